/**
 * The TypeScript the plugin analyses with. The project's own TypeScript when it is 5.x or 6.x (the
 * analysis then sees exactly the types the project's tsc sees); otherwise (TypeScript 7's native
 * compiler has no JS API, or no TypeScript at all) the plugin's own, ts-morph's bundled compiler.
 * Choosing reads package.json files only; loading happens on the first file that holds a tag, so
 * builds without one never pay for it, and the plugin's own TypeScript is loaded only when chosen.
 * Each TypeScript is loaded once per process, so plugin instances (Vite's environments, webpack's
 * compilers, the next build) share it, and with it the language services (`sharedProjects`).
 *
 * Loading is mostly V8 compiling TypeScript's 9 MB of JavaScript, so it goes through Node's
 * compile cache (`module.enableCompileCache`, in Node's default directory or `NODE_COMPILE_CACHE`;
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off): the next process that loads the same TypeScript
 * reuses the compiled code. Lib files are read when a program asks for them, not all at load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type TS = typeof import('typescript');

export interface Analyser {
  readonly ts: TS;
  /** Where the lib files live (for the plugin's own TypeScript, a directory served from memory). */
  readonly libDir: string;
  /** lib.*.d.ts by path. */
  readonly libFiles: LibFiles;
}

/** TypeScript's lib files by path: the ones a program asks for are read (once) when it asks. */
export interface LibFiles {
  has(fileName: string): boolean;
  get(fileName: string): string | undefined;
}

/** Which TypeScript the analysis uses, known without loading it. */
export interface AnalyserSource {
  /** `project`: the TypeScript the project installed; `bundled`: the plugin's own. */
  readonly kind: 'project' | 'bundled';
  /** Name and version (`typescript@5.9.3`): part of every persistent cache key. */
  readonly version: string;
  /** Where its lib files live: they never change for one version, so cache keys need not hash them. */
  readonly libDir: string;
  /** Loads it. */
  load(): Analyser;
}

/** The TypeScript majors whose JS API the compiler works with. */
const PROJECT_MAJORS: readonly number[] = [5, 6];

/** A directory no project has; the path ends like TypeScript's own lib folder. */
export const LIB_DIR = '/__cachet__/node_modules/typescript/lib';

/**
 * The TypeScript a project rooted at `root` analyses with: its own `typescript` (resolved as the
 * project's code would) when that is 5.x or 6.x, else the plugin's.
 */
export function analyserSource(root: string): AnalyserSource {
  const project = projectTypeScript(root);
  if (project !== undefined && PROJECT_MAJORS.includes(Number(project.version.split('.')[0]))) {
    const libDir = join(project.dir, 'lib').replace(/\\/g, '/');
    return {
      kind: 'project',
      version: `typescript@${project.version}`,
      libDir,
      load: () => once(libDir, () => loadProject(project.dir, libDir)),
    };
  }
  return {
    kind: 'bundled',
    version: `@ts-morph/common@${bundledCommon().version}`,
    libDir: LIB_DIR,
    load: () => once(LIB_DIR, loadBundled),
  };
}

const loaded = new Map<string, Analyser>();

/** The TypeScript whose lib files are in `libDir`, loaded by `load` the first time only. */
function once(libDir: string, load: () => Analyser): Analyser {
  let analyser = loaded.get(libDir);
  if (analyser === undefined) {
    analyser = load();
    loaded.set(libDir, analyser);
  }
  return analyser;
}

function projectTypeScript(root: string): { dir: string; version: string } | undefined {
  let manifest: string;
  try {
    manifest = createRequire(join(root, 'package.json')).resolve('typescript/package.json');
  } catch {
    return undefined; // no TypeScript in the project
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: dirname(manifest), version };
}

function loadProject(dir: string, libDir: string): Analyser {
  const ts = compileCached(() => createRequire(join(dir, 'package.json'))(dir) as TS);
  const names = new Set(readdirSync(libDir).filter((name) => name.startsWith('lib.') && name.endsWith('.d.ts')));
  const texts = new Map<string, string>();
  const nameOf = (fileName: string): string | undefined => {
    if (!fileName.startsWith(`${libDir}/`)) return undefined;
    const name = fileName.slice(libDir.length + 1);
    return names.has(name) ? name : undefined;
  };
  const libFiles: LibFiles = {
    has: (fileName) => nameOf(fileName) !== undefined,
    get(fileName) {
      const name = nameOf(fileName);
      if (name === undefined) return undefined;
      let text = texts.get(name);
      if (text === undefined) {
        text = readFileSync(join(libDir, name), 'utf8');
        texts.set(name, text);
      }
      return text;
    },
  };
  return { ts, libDir, libFiles };
}

interface CompileCache {
  enableCompileCache?(): unknown;
  flushCompileCache?(): void;
}

/**
 * `load()` with Node's compile cache on: the first process writes the code V8 compiled, later ones
 * skip compiling it (about 40% of loading TypeScript). The cache is written at once rather than at
 * exit, which a dev server stopped with Ctrl+C may never reach. Node checks each entry against the
 * source it was compiled from, and a directory it cannot use only means no cache.
 */
function compileCached<T>(load: () => T): T {
  const node = nodeModule as CompileCache;
  try {
    node.enableCompileCache?.();
  } catch {
    // no compile cache: TypeScript is compiled as usual
  }
  const loaded = load();
  try {
    node.flushCompileCache?.();
  } catch {
    // nothing written: the next process compiles again
  }
  return loaded;
}

/** ts-morph's `ts` and lib files live in @ts-morph/common, resolved from ts-morph wherever the package manager put it. */
function bundledCommon(): { dir: string; version: string } {
  const tsMorph = createRequire(import.meta.url).resolve('ts-morph');
  const manifest = createRequire(tsMorph).resolve('@ts-morph/common/package.json');
  return {
    dir: dirname(manifest),
    version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version,
  };
}

function loadBundled(): Analyser {
  // Loading @ts-morph/common alone skips ts-morph's AST wrappers, which the plugin does not use:
  // about 200 ms less on a cold start.
  const { dir } = bundledCommon();
  const common = compileCached(() => createRequire(join(dir, 'package.json'))(dir)) as {
    ts: TS;
    getLibFiles(): { fileName: string; text: string }[];
  };
  const libFiles = new Map(common.getLibFiles().map((f) => [`${LIB_DIR}/${f.fileName}`, f.text]));
  return { ts: common.ts, libDir: LIB_DIR, libFiles };
}
