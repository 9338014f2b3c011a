/**
 * Cachet for Rollup.
 *
 * @example
 * // rollup.config.js
 * import cachet from 'unplugin-cachet/rollup';
 *
 * export default { input: 'src/index.ts', plugins: [cachet(), typescript()] };
 */
import type { RollupPlugin } from 'unplugin';
import type { Options } from './core/options.js';
import { unplugin } from './index.js';

/** The Cachet plugin for Rollup: compiles `@cached` functions in the modules it sees. */
const cachet: (options?: Options) => RollupPlugin = unplugin.rollup;

export default cachet;
export type { Options };
