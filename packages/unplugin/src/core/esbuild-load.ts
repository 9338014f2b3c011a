/**
 * Cachet's `onLoad` under esbuild, registered by the plugin itself (unplugin's `esbuild.setup`)
 * rather than through unplugin's `load`, because its filter is known only after a walk: when
 * esbuild sets the plugin up, the prescan (`prescan.ts`) finds the tagged files in the directory
 * that holds the entry points, and the filter (`prescan-filter.ts`) lets only them, and files the
 * walk cannot speak for, cross from esbuild to Node. A warm build of an app whose files mostly
 * have no tag then costs a walk with one `stat` per file instead of a round trip per file.
 *
 * esbuild fixes a plugin's filters when it sets the plugin up, once per `build()` or `context()`.
 * Each build of a context (`rebuild()`, watch mode) scans again first; a file under the root that
 * gained the tag since then fails that build with `CACHET_E_TAG_AFTER_START`, naming the file and
 * the fix: it would otherwise be bundled without its cached functions. A file that lost the tag
 * still crosses, and is handed back to esbuild.
 */
import { realpathSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { DiagnosticCode } from '@cachet/compiler/diagnostics';
import { hashText } from '@cachet/compiler/transform-cache';
import type { BuildOptions, Loader, OnLoadResult, PartialMessage, PluginBuild } from 'esbuild';
import type { UnpluginBuildContext, UnpluginContext, UnpluginMessage } from 'unplugin';
import type { Outcome } from './cachet.js';
import { DEFAULT_INCLUDE, type OptionsResolved } from './options.js';
import { createPrescan, type Scan } from './prescan.js';
import { prescanFilter } from './prescan-filter.js';

/** More directory entries than this under the root: no prescan, every file crosses (as without it). */
const WALK_LIMIT = 200_000;
/** How soon after the setup a first build is taken to be part of it (`build()` rather than `context()`). */
const FRESH_MS = 200;

/** What the plugin's load is given: messages and watch files are collected for esbuild. */
export type LoadContext = Pick<UnpluginBuildContext, 'addWatchFile'> & UnpluginContext;

/** The plugin's load: the file's new code (with its map), or undefined to leave it to esbuild. */
export type Load = (context: LoadContext, fileName: string) => string | NonNullable<Outcome['output']> | undefined;

export interface EsbuildLoadProps {
  readonly options: OptionsResolved;
  /** Whether `include` is the default (TypeScript files only), rather than the user's. */
  readonly typescriptOnly: boolean;
  readonly load: Load;
  /** The clock, in ms since the epoch (tests). @default Date.now */
  readonly now?: () => number;
}

/**
 * The plugin's esbuild `setup`, or undefined when the prescan is off or `include`/`exclude` hold
 * globs (the plugin then loads through unplugin, whose filter matches every TypeScript file).
 */
export function esbuildPrescan(props: EsbuildLoadProps): ((build: PluginBuild) => void) | undefined {
  const { options, typescriptOnly, load, now = Date.now } = props;
  const include = regExpsOf(options.include);
  const exclude = regExpsOf(options.exclude);
  if (!options.prescan || include === undefined || exclude === undefined) return undefined;
  // unplugin's id filter: excluded, else included; no `include` patterns include everything.
  const accepts = (fileName: string): boolean => {
    const id = fileName.replace(/\\/g, '/');
    if (exclude.some((pattern) => test(pattern, id))) return false;
    return include.length === 0 || include.some((pattern) => test(pattern, id));
  };

  return (build) => {
    const root = rootOf(build.initialOptions);
    // One index per root and filters: builds that take different files do not undo each other's.
    const key = hashText(root, ...include.map(String), '', ...exclude.map(String)).slice(0, 16);
    const prescan = createPrescan({
      root,
      accepts,
      indexFile: options.cacheDir === undefined ? undefined : join(options.cacheDir, `prescan-${key}.json`),
      keepsSymlinks: build.initialOptions.preserveSymlinks === true,
      now,
    });
    const scanned = prescan.scan(WALK_LIMIT);
    const filter =
      scanned === undefined
        ? typescriptOnly
          ? (DEFAULT_INCLUDE[0] as RegExp)
          : /.*/
        : prescanFilter({ root, scan: scanned, typescriptOnly, platform: process.platform });
    if (scanned !== undefined) {
      let setUpAt: number | undefined = now();
      build.onStart(() => {
        // A build that starts right after the setup (`build()`) is not scanned again: an edit in
        // between is no different from one made while esbuild reads the files.
        const fresh = setUpAt !== undefined && now() - setUpAt < FRESH_MS;
        setUpAt = undefined;
        if (fresh) return undefined;
        const error = tagAfterStart(uncovered(scanned, prescan.scan()));
        return error === undefined ? undefined : { errors: [error] };
      });
    }
    // A map only where esbuild writes one: otherwise reading it is all it would cost.
    const sourceMaps = Boolean(build.initialOptions.sourcemap);
    build.onLoad({ filter }, (args) => {
      const id = args.path + (args.suffix ?? '');
      return accepts(id) ? loaded(id, args.path, load, sourceMaps) : undefined;
    });
  };
}

/**
 * The directory the prescan walks: the one that holds every entry point (a glob entry counts from
 * its part before the first `*`), or the working directory when there are none. A file outside it
 * crosses and is looked at by the plugin, as without the prescan.
 */
function rootOf(options: BuildOptions): string {
  const cwd = options.absWorkingDir ?? process.cwd();
  const given = options.entryPoints;
  const entries =
    given === undefined
      ? []
      : Array.isArray(given)
        ? given.map((entry: string | { in: string }) => (typeof entry === 'string' ? entry : entry.in))
        : Object.values(given);
  const dirs = entries.map((entry) => {
    const path = resolve(cwd, entry);
    const glob = path.indexOf('*');
    return glob === -1 ? dirname(path) : path.slice(0, path.lastIndexOf(sep, glob));
  });
  const holds = (outer: string, inner: string): boolean =>
    inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : `${outer}${sep}`);
  let root: string | undefined = dirs[0] ?? cwd;
  for (const dir of dirs) {
    while (root !== undefined && !holds(root, dir)) root = dirname(root) === root ? undefined : dirname(root);
  }
  try {
    return realpathSync(root ?? cwd); // no directory holds them all: entries on two Windows drives
  } catch {
    return realpathSync(cwd); // an entry esbuild resolves as a package name, say
  }
}

/** Runs the plugin's load for esbuild, as unplugin's esbuild adapter does. */
function loaded(id: string, path: string, load: Load, sourceMaps: boolean): OnLoadResult | undefined {
  const errors: PartialMessage[] = [];
  const warnings: PartialMessage[] = [];
  const watchFiles: string[] = [];
  const result = load(
    {
      addWatchFile: (fileName) => watchFiles.push(fileName),
      warn: (message) => warnings.push(toEsbuild(message)),
      error: (message) => errors.push(toEsbuild(message)),
    },
    id,
  );
  if (result === undefined) return undefined; // esbuild reads the file itself
  let contents = typeof result === 'string' ? result : result.code;
  if (typeof result !== 'string' && sourceMaps) {
    const map = Buffer.from(result.map).toString('base64');
    contents += `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}`;
  }
  return { contents, loader: loaderOf(path), resolveDir: dirname(path), errors, warnings, watchFiles };
}

/**
 * What the filter made from `first` does not let through although `now` says it must: files that
 * gained the tag, and new symbolic links esbuild keeps the paths of. (A file or directory that
 * became unreadable is left to esbuild, which cannot read it either.)
 */
function uncovered(first: Scan, now: Scan): { tagged: string[]; links: string[] } {
  const zones = [...first.unreadable, ...first.links];
  const covered = (path: string): boolean =>
    zones.some((zone) => path === zone || (path.startsWith(zone) && /^[\\/]/.test(path.slice(zone.length))));
  return {
    tagged: [...now.tagged].filter((file) => !first.tagged.has(file) && !covered(file)),
    links: now.links.filter((link) => !covered(link)),
  };
}

function tagAfterStart(missed: { tagged: readonly string[]; links: readonly string[] }): PartialMessage | undefined {
  const list = (files: readonly string[]): string => {
    const names = files.map((file) => relative(process.cwd(), file) || file);
    return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  };
  const { tagged, links } = missed;
  const what = [
    ...(tagged.length === 0 ? [] : [`${list(tagged)} ${tagged.length === 1 ? 'has' : 'have'} @cached`]),
    ...(links.length === 0
      ? []
      : [`${list(links)} ${links.length === 1 ? 'is a symbolic link' : 'are symbolic links'}`]),
  ];
  const first = tagged[0] ?? links[0];
  if (first === undefined) return undefined;
  const code: DiagnosticCode = 'CACHET_E_TAG_AFTER_START';
  return {
    id: code,
    pluginName: 'unplugin-cachet',
    text:
      `${code}: ${what.join(', and ')} since this esbuild context was created; the load ` +
      'filter esbuild fixed then does not let Cachet see them, so tagged code there would be bundled ' +
      'without cached functions. Hint: dispose of the context and create it again (restart the watch or ' +
      'serve process), or set the plugin option prescan: false.',
    location: { file: relative(process.cwd(), first) || first },
  };
}

/** An unplugin message as esbuild takes it (what unplugin's esbuild adapter does). */
function toEsbuild(given: string | UnpluginMessage): PartialMessage {
  const message = typeof given === 'string' ? { message: given } : given;
  return {
    id: message.id,
    pluginName: message.plugin,
    text: message.message,
    location: message.loc === undefined ? null : { ...message.loc },
    detail: message.meta,
    notes: [],
  };
}

const LOADERS: Readonly<Record<string, Loader>> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.jsx': 'jsx',
};

function loaderOf(fileName: string): Loader {
  return LOADERS[extname(fileName).toLowerCase()] ?? 'js';
}

function regExpsOf(pattern: OptionsResolved['include']): RegExp[] | undefined {
  const patterns = Array.isArray(pattern) ? pattern : [pattern];
  return patterns.every((p) => p instanceof RegExp) ? (patterns as RegExp[]) : undefined;
}

function test(pattern: RegExp, id: string): boolean {
  const result = pattern.test(id);
  pattern.lastIndex = 0;
  return result;
}
