/**
 * `@cachet/register/api`: register the loader from your own `--import` module, with options.
 *
 * @example
 * // cachet.ts, run as `node --import ./cachet.ts app.ts`
 * import { register } from '@cachet/register/api';
 * register({ defaults: { storage: 'memory' }, strict: true });
 */
import * as nodeModule from 'node:module';
import { buildOptions } from '@cachet/compiler/build-options';
import { assertOptions } from '@cachet/runtime/options';
import { registerSyncHooks, type SyncHooksApi } from './hooks-sync.js';
import { type RegisterOptions, resolveRegisterOptions } from './options.js';

export type { RegisterOptions } from './options.js';

/** Which hook API `register` used: `sync` (`module.registerHooks`) or `thread` (`module.register`). */
export type HookApi = 'sync' | 'thread';

/**
 * Compiles `@cached` functions in TypeScript modules loaded from now on. Call it once, before the
 * application's modules are imported, and before tsx registers (`--import` order).
 */
export function register(options: RegisterOptions = {}): HookApi {
  assertOptions({ schema: buildOptions, frontEnd: 'register', what: 'register()', boundary: register }, options);
  const resolved = resolveRegisterOptions(options, process.cwd());
  const api = nodeModule as unknown as Partial<SyncHooksApi> & typeof nodeModule;
  if (typeof api.registerHooks === 'function') {
    registerSyncHooks(api as SyncHooksApi, resolved);
    return 'sync';
  }
  nodeModule.register('./hooks-thread.js', { parentURL: import.meta.url, data: resolved });
  return 'thread';
}
