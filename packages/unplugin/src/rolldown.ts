/**
 * Cachet for Rolldown.
 *
 * @example
 * // rolldown.config.ts
 * import { defineConfig } from 'rolldown';
 * import cachet from 'unplugin-cachet/rolldown';
 *
 * export default defineConfig({ input: 'src/index.ts', plugins: [cachet()] });
 */
import type { RolldownPlugin } from 'unplugin';
import type { Options } from './core/options.js';
import { unplugin } from './index.js';

/** The Cachet plugin for Rolldown: compiles `@cached` functions in the modules it sees. */
const cachet: (options?: Options) => RolldownPlugin = unplugin.rolldown;

export default cachet;
export type { Options };
