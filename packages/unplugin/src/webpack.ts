/**
 * Cachet for webpack.
 *
 * @example
 * // webpack.config.js
 * import cachet from 'unplugin-cachet/webpack';
 *
 * export default { plugins: [cachet()] }; // with a TypeScript loader for .ts files
 */
import type { WebpackPluginInstance } from 'unplugin';
import type { Options } from './core/options.js';
import { unplugin } from './index.js';

/** The Cachet plugin for webpack: compiles `@cached` functions in the modules it sees. */
const cachet: (options?: Options) => WebpackPluginInstance = unplugin.webpack;

export default cachet;
export type { Options };
