/**
 * unplugin-cachet: Cachet's `@cached` functions in Vite, Rollup, Rolldown, esbuild, webpack and
 * Rspack. Import the entry of your bundler (`unplugin-cachet/vite`, …); this module holds the
 * unplugin instance they share.
 */
import { createUnplugin, type UnpluginInstance } from 'unplugin';
import { unpluginFactory } from './core/factory.js';
import { checkPluginOptions, type Options } from './core/options.js';

export type { AnnotationDefaults } from '@cachet/compiler';
export type { Options } from './core/options.js';

/**
 * One plugin per bundler, each checking its options where the user calls it (so a mistake is
 * reported at the line of `cachet({...})`, even where the bundler creates the plugin later).
 */
export const unplugin: UnpluginInstance<Options | undefined, false> = checkedAtCall(createUnplugin(unpluginFactory));

function checkedAtCall<T extends object>(instance: T): T {
  const checked = {} as T;
  for (const bundler of Object.keys(instance)) {
    Object.defineProperty(checked, bundler, {
      enumerable: true,
      get() {
        const create = (instance as Record<string, unknown>)[bundler];
        if (typeof create !== 'function') return create;
        const cachet = (options?: Options, ...rest: unknown[]): unknown => {
          checkPluginOptions(options, cachet);
          return create(options, ...rest);
        };
        return cachet;
      },
    });
  }
  return checked;
}
