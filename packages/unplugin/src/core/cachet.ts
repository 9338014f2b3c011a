/**
 * The plugin's core, which knows no bundler: the compiler and two caches of results, owned by one
 * plugin instance, and the language services, shared by every instance of the process (see
 * `sharedProjects`). A result is looked up in memory (this build and
 * its watch rebuilds), then on disk (earlier builds, see `createTransformCache`), and only then
 * computed: a warm build with nothing changed never loads TypeScript, nor the compiler (only its
 * transform cache, see `loadCompiler`).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CachetCompiler, CachetDiagnostic } from '@cachet/compiler';
import { codeStamp, createTransformCache, hashText, type TransformCache } from '@cachet/compiler/transform-cache';
import { compiledInput, isJavaScript, javascriptInput } from './compiled-input.js';
import { createHelperFiles, type HelperFiles } from './helper-modules.js';
import type { OptionsResolved } from './options.js';
import { type Projects, sharedProjects } from './projects.js';
import { createStripper, type Stripper } from './strip-types.js';
import { type Analyser, type AnalyserSource, analyserSource } from './typescript.js';

const require = createRequire(import.meta.url);

/** The plugin's own version: part of every cache key. */
export const VERSION: string = (require('../../package.json') as { version: string }).version;

/**
 * The compiler, loaded on the first file to analyse, as TypeScript is: importing it costs more than
 * a warm build's whole work in the plugin (about 40 modules), and a warm build never needs it.
 */
function loadCompiler(): typeof import('@cachet/compiler') {
  return require('@cachet/compiler') as typeof import('@cachet/compiler');
}

let stamp: string | undefined;

/**
 * The code that makes results, for persistent cache keys: versions and build times of the
 * compiler and of this core (a rebuilt workspace compiler never serves its predecessor's output),
 * and the TypeScript the analysis uses. Read once per process, without loading any of them.
 */
export function transformerStamp(typescript: AnalyserSource): string {
  stamp ??= codeStamp([require.resolve('@cachet/compiler'), fileURLToPath(import.meta.url)]);
  return `${stamp}\n${typescript.version}`;
}

/** A transformed file. */
export interface Outcome {
  /**
   * The edited code and its source map as JSON text (bundlers read a map's text natively, where
   * handing them the object costs them a walk over it), undefined when nothing was compiled (only
   * diagnostics).
   */
  readonly output: { readonly code: string; readonly map: string } | undefined;
  readonly diagnostics: readonly CachetDiagnostic[];
  /** Other files whose types shaped the output, and the tsconfig files the analysis used. */
  readonly dependencies: readonly string[];
  /** The names of the key helper modules the output imports (see helper-modules.ts). */
  readonly helpers?: readonly string[];
}

export interface Cachet {
  /** Compiles `code`, the bundler's current text of `fileName`; undefined when it has no tag. */
  transform(fileName: string, code: string): Outcome | undefined;
  /**
   * A file changed on disk. Returns the transformed files whose output may depend on it (itself
   * included), for bundlers that must be told (Vite's hot update).
   */
  fileChanged(fileName: string): string[];
  /** A build starts: files changed without a watch event are read again. */
  buildStart(): void;
  /**
   * `code`, TypeScript that `transform` returned for `fileName`, as JavaScript: for builds where
   * Cachet loads a tagged file itself because another plugin compiles TypeScript in `load`.
   */
  toJavaScript(fileName: string, code: string): { code: string; map: string };
  /** Sets where the persistent cache lives, for bundlers that have a cache directory of their own. */
  useCacheDir(dir: string): void;
  /** The TypeScript the analysis uses: the project's 5.x or 6.x, else the plugin's own. */
  readonly typescript: AnalyserSource;
  /** What the results came from so far, for tests and the benchmarks. */
  readonly counts: { readonly analysed: number; readonly fromDisk: number; readonly fromMemory: number };
}

interface Entry {
  readonly key: string;
  /** The stamp of each dependency when the result was made, and how to read a current one. */
  readonly dependencies: ReadonlyMap<string, string>;
  readonly stampOf: (fileName: string) => string;
  readonly outcome: Outcome | undefined;
}

export function createCachet(options: OptionsResolved): Cachet {
  const typescript = analyserSource(process.cwd());
  const transformer = transformerStamp(typescript);
  let analyser: Analyser | undefined;
  let compiler: CachetCompiler | undefined;
  let projects: Projects | undefined;
  let disk: TransformCache<Outcome | undefined> | undefined;
  let stripper: Stripper | undefined;
  let helpers: HelperFiles | undefined;
  let helpersWritable = true;
  let cacheDir = options.cacheDir;
  const results = new Map<string, Entry>();
  const counts = { analysed: 0, fromDisk: 0, fromMemory: 0 };

  function start(): { analyser: Analyser; compiler: CachetCompiler; projects: Projects } {
    analyser ??= typescript.load();
    compiler ??= loadCompiler().createCompiler({ ts: analyser.ts, options: options.compiler });
    projects ??= sharedProjects({ analyser, tsconfig: options.tsconfig });
    return { analyser, compiler, projects };
  }

  /** Where shared key helpers are written: beside the transform cache, none without one. */
  function helperFiles(): HelperFiles | undefined {
    if (cacheDir === undefined || !helpersWritable) return undefined;
    if (helpers?.dir !== `${cacheDir}/helpers`) helpers = createHelperFiles(`${cacheDir}/helpers`);
    return helpers;
  }

  function diskCache(): TransformCache<Outcome | undefined> | undefined {
    if (cacheDir === undefined) return undefined;
    disk ??= createTransformCache({ dir: cacheDir, unstamped: (file) => file.startsWith(`${typescript.libDir}/`) });
    return disk;
  }

  function reset(): void {
    compiler = undefined;
    stripper = undefined;
    results.clear();
  }

  function isCurrent(entry: Entry, key: string): boolean {
    if (entry.key !== key) return false;
    for (const [file, stamp] of entry.dependencies) if (entry.stampOf(file) !== stamp) return false;
    return true;
  }

  function analyse(fileName: string, code: string, key: string): Entry {
    const {
      analyser: { ts },
      compiler,
      projects,
    } = start();
    const refused = compiledInput(ts, fileName, code) ?? javascriptInput(ts, fileName, code);
    if (refused !== undefined || isJavaScript(fileName)) {
      // A JavaScript file without a tag in its JSDoc (the text only mentions one) is left as it is.
      const outcome: Outcome | undefined =
        refused === undefined ? undefined : { output: undefined, diagnostics: [refused], dependencies: [fileName] };
      const stampOf = (file: string): string => projects.version(file);
      return { key, dependencies: new Map([[fileName, stampOf(fileName)]]), stampOf, outcome };
    }
    const program = projects.program(fileName, code);
    const helpers = helperFiles();
    let result = compiler.transform({ program, fileName, code, helperDir: helpers?.specifierFor(fileName) });
    if (result !== undefined && helpers !== undefined && !helpers.write(result.modules)) {
      helpersWritable = false; // the helpers stay in each file from now on
      result = compiler.transform({ program, fileName, code });
    }
    counts.analysed++;
    const outcome: Outcome | undefined =
      result === undefined
        ? undefined
        : {
            output: result.code === code ? undefined : { code: result.code, map: result.map.toString() },
            diagnostics: result.diagnostics,
            dependencies: [...result.dependencies, ...projects.configFiles(fileName)],
            ...(result.modules.length === 0 ? {} : { helpers: result.modules.map((module) => module.name) }),
          };
    const dependencies = outcome?.dependencies ?? projects.configFiles(fileName);
    diskCache()?.set(fileName, key, dependencies, outcome);
    const stampOf = (file: string): string => projects.version(file);
    return { key, dependencies: new Map(dependencies.map((file) => [file, stampOf(file)])), stampOf, outcome };
  }

  return {
    transform(fileName, code) {
      if (!code.includes('@cached')) return undefined;
      // Where the output imports shared key helpers from is part of it (none without a cache directory).
      const key = hashText(transformer, options.fingerprint, helperFiles()?.specifierFor(fileName) ?? '', code);
      const known = results.get(fileName);
      if (known !== undefined && isCurrent(known, key) && helperFiles()?.has(known.outcome?.helpers ?? []) !== false) {
        counts.fromMemory++;
        return known.outcome;
      }
      const cache = diskCache();
      const stored = cache?.get(fileName, key);
      // An output whose helper modules were deleted (with the cache directory, say) is made again.
      if (cache !== undefined && stored !== undefined && helperFiles()?.has(stored.value?.helpers ?? []) !== false) {
        counts.fromDisk++;
        results.set(fileName, { key, dependencies: stored.dependencies, stampOf: cache.stamp, outcome: stored.value });
        return stored.value;
      }
      const entry = analyse(fileName, code, key);
      results.set(fileName, entry);
      return entry.outcome;
    },
    fileChanged(fileName) {
      disk?.refresh();
      const dependents: string[] = [];
      for (const [file, entry] of results) {
        if (file === fileName || entry.dependencies.has(fileName)) dependents.push(file);
      }
      if (projects === undefined) return dependents;
      if (projects.isConfig(fileName) || /(^|\/)package\.json$/.test(fileName)) {
        const all = [...results.keys()];
        projects.fileChanged(fileName);
        reset();
        return all;
      }
      projects.fileChanged(fileName);
      return dependents;
    },
    buildStart() {
      disk?.refresh();
      helpers?.buildStart();
      projects?.refresh();
    },
    toJavaScript(fileName, code) {
      analyser ??= typescript.load();
      stripper ??= createStripper(analyser.ts);
      return stripper.strip(fileName, code, options.tsconfig);
    },
    useCacheDir(dir) {
      if (options.cacheDirSet) return; // the user's choice wins
      cacheDir = dir;
      disk = undefined;
      helpersWritable = true;
    },
    typescript,
    counts,
  };
}
