/**
 * The plugin's core, which knows no bundler: the compiler, the language services and the cache
 * of results, all owned by one plugin instance.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { type CachetCompiler, type CachetDiagnostic, createCompiler, type TransformResult } from '@cachet/compiler';
import type { OptionsResolved } from './options.js';
import { createProjects, type Projects } from './projects.js';
import { type Analyser, loadAnalyser } from './typescript.js';

/** The plugin's own version: part of every cache key. */
export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** A transformed file. */
export interface Outcome {
  /** The edited code and its map; undefined when nothing was compiled (only diagnostics). */
  readonly output: { readonly code: string; readonly map: TransformResult['map'] } | undefined;
  readonly diagnostics: readonly CachetDiagnostic[];
  /** Other files whose types shaped the output. */
  readonly dependencies: readonly string[];
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
}

interface Entry {
  readonly key: string;
  /** The version of each dependency when the result was made. */
  readonly dependencies: ReadonlyMap<string, string>;
  readonly outcome: Outcome | undefined;
}

export function createCachet(options: OptionsResolved): Cachet {
  let analyser: Analyser | undefined;
  let compiler: CachetCompiler | undefined;
  let projects: Projects | undefined;
  const results = new Map<string, Entry>();

  function start(): { compiler: CachetCompiler; projects: Projects; analyser: Analyser } {
    analyser ??= loadAnalyser();
    compiler ??= createCompiler({ ts: analyser.ts, options: options.compiler });
    projects ??= createProjects({ analyser, tsconfig: options.tsconfig });
    return { compiler, projects, analyser };
  }

  function reset(): void {
    projects = undefined;
    compiler = undefined;
    results.clear();
  }

  function isCurrent(entry: Entry, key: string, current: Projects): boolean {
    if (entry.key !== key) return false;
    for (const [file, version] of entry.dependencies) if (current.version(file) !== version) return false;
    return true;
  }

  return {
    transform(fileName, code) {
      if (!code.includes('@cached')) return undefined;
      const { compiler, projects, analyser } = start();
      const key = cacheKey(options.fingerprint, analyser.ts.version, code);
      const cached = results.get(fileName);
      if (cached !== undefined && isCurrent(cached, key, projects)) return cached.outcome;
      const program = projects.program(fileName, code);
      const result = compiler.transform({ program, fileName, code });
      const outcome: Outcome | undefined =
        result === undefined
          ? undefined
          : {
              output: result.code === code ? undefined : { code: result.code, map: result.map },
              diagnostics: result.diagnostics,
              dependencies: result.dependencies,
            };
      const dependencies = new Map((outcome?.dependencies ?? []).map((file) => [file, projects.version(file)]));
      results.set(fileName, { key, dependencies, outcome });
      return outcome;
    },
    fileChanged(fileName) {
      if (projects === undefined) return [];
      if (projects.isConfig(fileName) || /(^|\/)package\.json$/.test(fileName)) {
        const all = [...results.keys()];
        reset();
        return all;
      }
      projects.fileChanged(fileName);
      const dependents: string[] = [];
      for (const [file, entry] of results) {
        if (file === fileName || entry.dependencies.has(fileName)) dependents.push(file);
      }
      return dependents;
    },
    buildStart() {
      projects?.refresh();
    },
  };
}

/** Everything that shapes a result besides the types it read: plugin, options, TypeScript, source. */
function cacheKey(fingerprint: string, tsVersion: string, code: string): string {
  return createHash('sha256').update(`${VERSION}\0${tsVersion}\0${fingerprint}\0`).update(code).digest('base64url');
}
