/**
 * Cachet's own `load`, for Rollup, Rolldown and Vite builds where another plugin compiles TypeScript in its
 * `load` hook (@rollup/plugin-typescript serves every file from its program's emit). Such a plugin hands
 * every later hook JavaScript, whatever the plugin order, so Cachet would see no types. Instead
 * Cachet loads each tagged TypeScript file first (`order: 'pre'`), from disk, compiles its `@cached`
 * functions there, and strips the types in its own transform (`strip-types.ts`); files without the
 * tag stay with that plugin. Other builds never use it: a bundler that reads TypeScript itself, or
 * a TypeScript plugin that works in `transform`, hands Cachet the source.
 */
import { readFileSync } from 'node:fs';

/** Plugins that compile TypeScript in `load`, by their `name`. */
const COMPILE_IN_LOAD: ReadonlySet<string> = new Set(['typescript']);
const TYPESCRIPT = /\.[cm]?tsx?$/;

export interface OwnLoad {
  /**
   * The build's plugins (Rollup's and Rolldown's `buildStart` options, Vite's resolved config): whether Cachet
   * must load tagged files itself (returned).
   */
  usePlugins(plugins: readonly object[]): boolean;
  /** A build starts: nothing is loaded yet. */
  buildStart(): void;
  /** The source of `fileName` when Cachet loads it itself: a tagged TypeScript file, in such a build. */
  load(fileName: string): string | undefined;
  /** Keeps the code Cachet's `load` returned for `fileName` (compiled, still TypeScript). */
  loaded(fileName: string, code: string): void;
  /**
   * Whether `code` is what Cachet's `load` returned for `fileName`, so its types are left to strip.
   * Compared by text, not by a flag per file: Vite's environments load and transform the same file
   * interleaved.
   */
  isLoaded(fileName: string, code: string): boolean;
}

export function createOwnLoad(): OwnLoad {
  let active = false;
  const loaded = new Map<string, string>();
  return {
    usePlugins(plugins) {
      // Rolldown's list may hold plugins without a name (parallel ones).
      active = plugins.some(
        (plugin: { readonly name?: unknown; readonly load?: unknown }) =>
          typeof plugin.name === 'string' && COMPILE_IN_LOAD.has(plugin.name) && plugin.load !== undefined,
      );
      return active;
    },
    buildStart() {
      loaded.clear();
    },
    load(fileName) {
      if (!active || !TYPESCRIPT.test(fileName)) return undefined;
      const source = readFileSync(fileName, 'utf8');
      return source.includes('@cached') ? source : undefined;
    },
    loaded(fileName, code) {
      loaded.set(fileName, code);
    },
    isLoaded(fileName, code) {
      return loaded.get(fileName) === code;
    },
  };
}
