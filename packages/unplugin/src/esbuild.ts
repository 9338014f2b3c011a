/**
 * Cachet for esbuild.
 *
 * @example
 * // build.mjs
 * import { build } from 'esbuild';
 * import cachet from 'unplugin-cachet/esbuild';
 *
 * await build({ entryPoints: ['src/index.ts'], bundle: true, plugins: [cachet()] });
 */
import type { EsbuildPlugin } from 'unplugin';
import type { Options } from './core/options.js';
import { unplugin } from './index.js';

/** The Cachet plugin for esbuild: compiles `@cached` functions in the modules it sees. */
const cachet: (options?: Options) => EsbuildPlugin = unplugin.esbuild;

export default cachet;
export type { Options };
