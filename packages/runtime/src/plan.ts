import type { Duration } from './config.js';
import type { KeyEncoder } from './key/encoder.js';

/** What compiled code (and `cached()`) tells the runtime about one function. */
export interface FunctionPlan {
  /** Stable identity, e.g. `src/users.ts#loadUser`. */
  readonly id: string;
  /** Part of every key; bump it to drop old entries. @default '0' */
  readonly version?: string;
  /** @default configure({ defaults: { ttl } }), else forever */
  readonly ttl?: Duration;
  /** Stale-while-revalidate window after ttl (async functions). @default none */
  readonly swr?: Duration;
  /** @default configure({ defaults: { storage } }), else 'tiered' on Node, 'memory' in browsers */
  readonly storage?: string;
  /** Whether the function returns a promise. @default true for `async` functions */
  readonly async?: boolean;
  /** Codec chosen at build time from the return type. @default picked from each value */
  readonly codec?: 'json' | 'v8';
  /** @default the reflective encoder over all arguments */
  readonly encoder?: KeyEncoder;
  /** Check this function's compiled keys against reflective keys (as `CACHET_VERIFY=1` does for all). @default false */
  readonly verify?: boolean;
}
