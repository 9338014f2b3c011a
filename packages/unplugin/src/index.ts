/**
 * unplugin-cachet: Cachet's `@cached` functions in Vite, Rollup, Rolldown, esbuild, webpack and
 * Rspack. Import the entry of your bundler (`unplugin-cachet/vite`, …); this module holds the
 * unplugin instance they share.
 */
import { createUnplugin, type UnpluginInstance } from 'unplugin';
import { unpluginFactory } from './core/factory.js';
import type { Options } from './core/options.js';

export type { AnnotationDefaults } from '@cachet/compiler';
export type { Options } from './core/options.js';

/** The unplugin instance every bundler entry (`unplugin-cachet/vite`, …) takes its plugin from. */
export const unplugin: UnpluginInstance<Options | undefined, false> = createUnplugin(unpluginFactory);

export default unplugin;
