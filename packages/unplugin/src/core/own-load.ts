/**
 * Cachet's own `load`, for Rollup and Vite builds where another plugin compiles TypeScript in its
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
  /** The build's plugins (Rollup's `buildStart` options, Vite's resolved config): whether Cachet must load tagged files itself. */
  usePlugins(plugins: readonly { readonly name: string; readonly load?: unknown }[]): void;
  /** A build starts: nothing is loaded yet. */
  buildStart(): void;
  /** The source of `fileName` when Cachet loads it itself: a tagged TypeScript file, in such a build. */
  load(fileName: string): string | undefined;
  /** Whether Cachet loaded `fileName` and has yet to strip its types (true once per load). */
  takeLoaded(fileName: string): boolean;
}

export function createOwnLoad(): OwnLoad {
  let active = false;
  const loaded = new Set<string>();
  return {
    usePlugins(plugins) {
      active = plugins.some((plugin) => COMPILE_IN_LOAD.has(plugin.name) && plugin.load !== undefined);
    },
    buildStart() {
      loaded.clear();
    },
    load(fileName) {
      if (!active || !TYPESCRIPT.test(fileName)) return undefined;
      const source = readFileSync(fileName, 'utf8');
      if (!source.includes('@cached')) return undefined;
      loaded.add(fileName);
      return source;
    },
    takeLoaded(fileName) {
      return loaded.delete(fileName);
    },
  };
}
