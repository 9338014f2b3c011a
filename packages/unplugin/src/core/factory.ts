/**
 * The unplugin factory: one Cachet core per plugin instance, wired to the hooks every bundler
 * shares, plus Vite's hot update. Runs before the bundler strips types (`enforce: 'pre'`): the
 * analysis needs the types and the JSDoc tags that type stripping drops.
 */
import type { UnpluginFactory } from 'unplugin';
import { createCachet } from './cachet.js';
import { DEFAULT_INCLUDE, type Options, resolveOptions } from './options.js';
import { report } from './report.js';

const TAG = /@cached/;
/** Bundlers whose `this.error` throws. */
const THROWING = new Set(['rollup', 'vite', 'rolldown', 'unloader']);

export const unpluginFactory: UnpluginFactory<Options | undefined, false> = (rawOptions, meta) => {
  const options = resolveOptions(rawOptions);
  const cachet = createCachet(options);
  const errorThrows = THROWING.has(meta.framework);
  // Rollup prints a message's `loc` and `frame`; Vite and Rolldown an error's only (see report.ts).
  const printsLocation = { error: THROWING.has(meta.framework), warning: meta.framework === 'rollup' };
  return {
    name: 'unplugin-cachet',
    enforce: 'pre',
    buildStart() {
      cachet.buildStart();
    },
    watchChange(id) {
      cachet.fileChanged(fileNameOf(id));
    },
    transform: {
      filter: { id: { include: options.include, exclude: options.exclude }, code: TAG },
      handler(code, id) {
        if (!code.includes('@cached')) return undefined;
        const outcome = cachet.transform(fileNameOf(id), code);
        if (outcome === undefined) return undefined;
        for (const file of outcome.dependencies) this.addWatchFile(file);
        report(this, { diagnostics: outcome.diagnostics, errorThrows, printsLocation });
        return outcome.output;
      },
    },
    vite: {
      configResolved(config) {
        cachet.useCacheDir(`${config.cacheDir.replace(/\\/g, '/')}/cachet`);
      },
      hotUpdate({ file, modules }) {
        const graph = this.environment.moduleGraph;
        const dependents = cachet
          .fileChanged(fileNameOf(file))
          .flatMap((dependent) => [...(graph.getModulesByFile(dependent) ?? [])]);
        if (dependents.length === 0) return undefined;
        return [...new Set([...modules, ...dependents])];
      },
    },
    esbuild: {
      // Only TypeScript files reach the hook, before esbuild's own TypeScript loader.
      ...(rawOptions?.include === undefined ? { onLoadFilter: DEFAULT_INCLUDE[0] } : {}),
    },
  };
};

/** The file behind a module id: no query, `/` separators (TypeScript's file names). */
function fileNameOf(id: string): string {
  return id.replace(/[?#].*$/, '').replace(/\\/g, '/');
}
