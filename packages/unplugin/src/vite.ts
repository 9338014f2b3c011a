/**
 * Cachet for Vite.
 *
 * @example
 * // vite.config.ts
 * import { defineConfig } from 'vite';
 * import cachet from 'unplugin-cachet/vite';
 *
 * export default defineConfig({ plugins: [cachet()] });
 */
import type { VitePlugin } from 'unplugin';
import type { Options } from './core/options.js';
import { unplugin } from './index.js';

/** The Cachet plugin for Vite: compiles `@cached` functions in the modules it sees. */
const cachet: (options?: Options) => VitePlugin = unplugin.vite;

export default cachet;
export type { Options };
