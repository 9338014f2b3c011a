/**
 * The unplugin factory: one Cachet core per plugin instance, wired to the hooks every bundler
 * shares, plus Vite's hot update. Runs before the bundler strips types (`enforce: 'pre'`): the
 * analysis needs the types and the JSDoc tags that type stripping drops.
 *
 * esbuild gets a `load` hook instead of `transform`: unplugin's esbuild transform reads every
 * matching file with an asynchronous file handle before its code filter can say no, about 0.1 ms
 * a file, which was most of what a warm esbuild build cost. The load hook reads the file at once
 * and hands every file without the tag back to esbuild, which then reads it natively.
 */
import { readFileSync } from 'node:fs';
import type { UnpluginBuildContext, UnpluginContext, UnpluginFactory } from 'unplugin';
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
  const printsLocation = meta.framework !== 'webpack' && meta.framework !== 'rspack';
  const ids = { include: options.include, exclude: options.exclude };

  /** The compiled code of a tagged file, reported; undefined when there is nothing to say. */
  function compile(context: UnpluginBuildContext & UnpluginContext, code: string, id: string) {
    const outcome = cachet.transform(fileNameOf(id), code);
    if (outcome === undefined) return undefined;
    for (const file of outcome.dependencies) context.addWatchFile(file);
    report(context, { diagnostics: outcome.diagnostics, errorThrows, printsLocation });
    return outcome;
  }

  const hooks =
    meta.framework === 'esbuild'
      ? {
          load: {
            filter: { id: ids },
            handler(this: UnpluginBuildContext & UnpluginContext, id: string) {
              let code: string;
              try {
                code = readFileSync(fileNameOf(id), 'utf8');
              } catch {
                return undefined; // esbuild reports the missing file itself
              }
              if (!code.includes('@cached')) return undefined;
              const outcome = compile(this, code, id);
              // The file's own code when nothing was compiled: esbuild drops the diagnostics of
              // a load hook that returns nothing.
              return outcome?.output ?? (outcome === undefined ? undefined : code);
            },
          },
        }
      : {
          transform: {
            filter: { id: ids, code: TAG },
            handler(this: UnpluginBuildContext & UnpluginContext, code: string, id: string) {
              if (!code.includes('@cached')) return undefined;
              return compile(this, code, id)?.output;
            },
          },
        };

  return {
    name: 'unplugin-cachet',
    enforce: 'pre',
    buildStart() {
      cachet.buildStart();
    },
    watchChange(id) {
      cachet.fileChanged(fileNameOf(id));
    },
    ...hooks,
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
      // Only TypeScript files reach the hook; the others never cross from esbuild to Node.
      ...(rawOptions?.include === undefined ? { onLoadFilter: DEFAULT_INCLUDE[0] } : {}),
    },
  };
};

/** The file behind a module id: no query, `/` separators (TypeScript's file names). */
function fileNameOf(id: string): string {
  return id.replace(/[?#].*$/, '').replace(/\\/g, '/');
}
