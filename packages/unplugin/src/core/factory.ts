/**
 * The unplugin factory: one Cachet core per plugin instance, wired to the hooks every bundler
 * shares, plus Vite's hot update. Runs before the bundler strips types (`enforce: 'pre'`, and
 * `order: 'pre'` on the transform hook where the bundler orders hooks): the analysis needs the
 * types and the JSDoc tags that type stripping drops. In Rollup, Rolldown and Vite, a plugin that
 * compiles TypeScript in `load` is met with Cachet's own `load` (`own-load.ts`); in webpack and Rspack,
 * Cachet's loader runs first among `enforce: 'pre'` loaders (`loader-order.ts`).
 *
 * esbuild gets a `load` hook instead of `transform`: unplugin's esbuild transform reads every
 * matching file with an asynchronous file handle before its code filter can say no, about 0.1 ms
 * a file, which was most of what a warm esbuild build cost. The load hook reads the file at once
 * and hands every file without the tag back to esbuild, which then reads it natively. With the
 * prescan (the default), the plugin registers that hook itself, with a filter naming the tagged
 * files found before the build (`esbuild-load.ts`), so the other files never cross to Node.
 */
import { readFileSync } from 'node:fs';
import type { UnpluginBuildContext, UnpluginContext, UnpluginFactory } from 'unplugin';
import type { ResolvedConfig } from 'vite';
import { createCachet } from './cachet.js';
import { esbuildPrescan, type Load, type LoadContext } from './esbuild-load.js';
import { runCachetLoaderFirst } from './loader-order.js';
import { DEFAULT_INCLUDE, type Options, resolveOptions } from './options.js';
import { createOwnLoad } from './own-load.js';
import { report } from './report.js';

const TAG = /@cached/;
/** Bundlers whose `this.error` throws. */
const THROWING = new Set(['rollup', 'vite', 'rolldown', 'unloader']);

export const unpluginFactory: UnpluginFactory<Options | undefined, false> = (rawOptions, meta) => {
  const options = resolveOptions(rawOptions);
  const cachet = createCachet(options);
  const ownLoad = createOwnLoad();
  const errorThrows = THROWING.has(meta.framework);
  // Rollup prints a message's `loc` and `frame`; Vite and Rolldown an error's only (see report.ts).
  const printsLocation = { error: THROWING.has(meta.framework), warning: meta.framework === 'rollup' };
  const idFilter = { id: { include: options.include, exclude: options.exclude } };

  /** Compiles the bundler's `code` of a file: its output, with watch files and diagnostics reported. */
  function compile(context: LoadContext, fileName: string, code: string) {
    const outcome = cachet.transform(fileName, code);
    if (outcome === undefined) return undefined;
    // Watch files only where something watches (Rollup, Rolldown and Vite say when nothing does):
    // each is a call into the bundler.
    const watching = (context as { meta?: { watchMode?: boolean } }).meta?.watchMode !== false;
    if (watching) for (const file of outcome.dependencies) context.addWatchFile(file);
    report(context, { diagnostics: outcome.diagnostics, errorThrows, printsLocation });
    return outcome;
  }

  function buildStart(): void {
    cachet.buildStart();
    ownLoad.buildStart();
  }

  /** Tagged TypeScript files, where another plugin would compile them in its `load` (`own-load.ts`). */
  const load = {
    order: 'pre' as const,
    filter: idFilter,
    handler(this: unknown, id: string) {
      const fileName = fileNameOf(id);
      const source = ownLoad.load(fileName);
      if (source === undefined) return null;
      const output = compile(this as UnpluginBuildContext & UnpluginContext, fileName, source)?.output ?? {
        code: source,
      };
      ownLoad.loaded(fileName, output.code);
      return output;
    },
  };

  // webpack's loaders (ts-loader, say) read an input map as an object; the others take its text.
  const mapsAsObjects = meta.framework === 'webpack' || meta.framework === 'rspack';
  /**
   * Whether the bundler makes source maps: Vite's build says so in its config (its dev server
   * always does); for the others the output options that would say come later. Without them,
   * handing over a map only costs the bundler reading it (a third of a warm Vite build's extra
   * time at 5000 modules).
   */
  let sourceMaps = true;
  const transform = {
    order: 'pre' as const,
    filter: { ...idFilter, code: TAG },
    handler(this: UnpluginBuildContext & UnpluginContext, code: string, id: string) {
      const fileName = fileNameOf(id);
      if (ownLoad.isLoaded(fileName, code)) return cachet.toJavaScript(fileName, code);
      if (!code.includes('@cached')) return undefined;
      const output = compile(this, fileName, code)?.output;
      if (output === undefined) return undefined;
      if (!sourceMaps) return { code: output.code };
      return mapsAsObjects ? { code: output.code, map: JSON.parse(output.map) } : output;
    },
  };

  /** esbuild's one hook (see above): the file read at once, untagged files handed back. */
  const loadForEsbuild: Load = (context, id) => {
    const fileName = fileNameOf(id);
    let code: string;
    try {
      code = readFileSync(fileName, 'utf8');
    } catch {
      return undefined; // esbuild reports the missing file itself
    }
    if (!code.includes('@cached')) return undefined;
    const outcome = compile(context, fileName, code);
    // The file's own code when nothing was compiled: esbuild drops the diagnostics of a load
    // hook that returns nothing.
    return outcome?.output ?? (outcome === undefined ? undefined : code);
  };
  const esbuildSetup =
    meta.framework === 'esbuild'
      ? esbuildPrescan({
          options,
          typescriptOnly: rawOptions?.include === undefined,
          load: loadForEsbuild,
        })
      : undefined;
  const esbuildLoad = {
    filter: idFilter,
    handler(this: UnpluginBuildContext & UnpluginContext, id: string) {
      return loadForEsbuild(this, id);
    },
  };
  const hooks = meta.framework !== 'esbuild' ? { transform } : esbuildSetup === undefined ? { load: esbuildLoad } : {};

  function viteConfigResolved(config: ResolvedConfig): void {
    cachet.useCacheDir(`${config.cacheDir.replace(/\\/g, '/')}/cachet`);
    sourceMaps = config.command === 'serve' || config.build.sourcemap !== false;
    if (ownLoad.usePlugins(config.plugins)) return;
    // No plugin compiles TypeScript in load: Cachet's load would only cost a call into Node for
    // every module (about 0.2 s of a 5000-module build). Vite reads the hooks after this one.
    const self = config.plugins.find((plugin) => plugin.configResolved === viteConfigResolved);
    if (self !== undefined) delete (self as { load?: unknown }).load;
  }

  return {
    name: 'unplugin-cachet',
    enforce: 'pre',
    buildStart,
    watchChange(id) {
      cachet.fileChanged(fileNameOf(id));
    },
    ...hooks,
    rollup: {
      buildStart(inputOptions) {
        buildStart();
        ownLoad.usePlugins(inputOptions.plugins);
      },
      load,
    },
    rolldown: {
      buildStart(inputOptions) {
        buildStart();
        ownLoad.usePlugins(inputOptions.plugins);
      },
      load,
    },
    webpack: runCachetLoaderFirst,
    rspack: runCachetLoaderFirst,
    vite: {
      configResolved: viteConfigResolved,
      load,
      hotUpdate({ file, modules }) {
        const graph = this.environment.moduleGraph;
        const dependents = cachet
          .fileChanged(fileNameOf(file))
          .flatMap((dependent) => [...(graph.getModulesByFile(dependent) ?? [])]);
        if (dependents.length === 0) return undefined;
        return [...new Set([...modules, ...dependents])];
      },
    },
    esbuild:
      esbuildSetup === undefined
        ? // Only TypeScript files reach the hook; the others never cross from esbuild to Node.
          { ...(rawOptions?.include === undefined ? { onLoadFilter: DEFAULT_INCLUDE[0] } : {}) }
        : { setup: esbuildSetup },
  };
};

/** The file behind a module id: no query, `/` separators (TypeScript's file names). */
function fileNameOf(id: string): string {
  return id.replace(/[?#].*$/, '').replace(/\\/g, '/');
}
