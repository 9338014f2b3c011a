/**
 * Cachet for Rspack.
 *
 * @example
 * // rspack.config.mjs
 * import cachet from 'unplugin-cachet/rspack';
 *
 * export default { plugins: [cachet()] }; // with builtin:swc-loader for .ts files
 */
import type { RspackPluginInstance } from 'unplugin';
import type { Options } from './core/options.js';
import { unplugin } from './index.js';

/** The Cachet plugin for Rspack: compiles `@cached` functions in the modules it sees. */
const cachet: (options?: Options) => RspackPluginInstance = unplugin.rspack;

export default cachet;
export type { Options };
