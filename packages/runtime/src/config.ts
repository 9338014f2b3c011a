import { parseDuration } from './duration.js';
import { CachetConfigError } from './errors.js';
import type { MemoryLimits } from './memory/memory-tier.js';
import type { SqliteSettings, StoreSettings } from './platform.js';
import { platform } from './platform.js';
import type { Store } from './store.js';

/** A duration: `250ms`, `30s`, `10m`, `12h`, `7d`, `forever`, or milliseconds. */
export type Duration = string | number;

/** A tier in a registered list: `'memory'`, another store's name, or a store. */
export type TierSpec = string | Store;

/** What a registered store name maps to: one store or a list of tiers, first read first. */
export type StoreSpec = TierSpec | readonly TierSpec[];

/** Where the runtime reports faults it recovered from (a failing tier, a bad entry). */
export interface Logger {
  warn(message: string, cause?: unknown): void;
}

/** Events reported to `configure({ onEvent })`. */
export type CacheEvent =
  | { readonly type: 'hit'; readonly fn: string; readonly tier: string }
  | { readonly type: 'stale'; readonly fn: string; readonly tier: string }
  | { readonly type: 'miss'; readonly fn: string }
  | { readonly type: 'herd-join'; readonly fn: string }
  | { readonly type: 'error'; readonly fn: string; readonly error: unknown }
  | { readonly type: 'refresh-error'; readonly fn: string; readonly error: unknown }
  | { readonly type: 'tier-error'; readonly tier: string; readonly op: string; readonly error: unknown }
  | { readonly type: 'verify-mismatch'; readonly fn: string; readonly message: string };

/** Defaults for functions whose annotation does not say. */
export interface Defaults {
  /** @default 'forever' */
  readonly ttl?: Duration;
  /** @default 'tiered' on Node, 'memory' in browsers */
  readonly storage?: string;
  /** @default none */
  readonly swr?: Duration;
}

/** Options of `configure()`; each call merges over the earlier ones. */
export interface ConfigureOptions {
  /** Cache directory for the SQLite database and blob files. @default CACHET_DIR or `.cachet` in the working directory */
  readonly dir?: string;
  readonly defaults?: Defaults;
  /** Limits of the process memory tier. @default { maxEntries: 100_000, maxBytes: 256 MiB } */
  readonly memory?: Partial<MemoryLimits>;
  /** Named stores for `@cached storage=<name>`: a store, or a list of tiers such as `['memory', redisStore(...)]`. */
  readonly stores?: Readonly<Record<string, StoreSpec>>;
  /** The clock, in milliseconds. Inject one in tests so TTLs never need a sleep. @default Date.now */
  readonly now?: () => number;
  /** Where faults are reported (each once, with its cause). @default console.warn */
  readonly logger?: Logger;
  /** Called for hits, misses, herd joins, errors and tier faults. Costs a call per event. */
  readonly onEvent?: (event: CacheEvent) => void;
  /** Turn caching off: every call runs the function. @default CACHET_DISABLE=1 */
  readonly disabled?: boolean;
  /** Check compiled keys against reflective keys. @default CACHET_VERIFY=1 */
  readonly verify?: boolean;
  /**
   * The longest a failing tier is skipped before it is tried again: the first skip is 1 s (or this,
   * if shorter), doubling with each consecutive fault up to this. @default 30s
   */
  readonly backoff?: Duration;
  /** How long one process may hold a cross-process herd lease. @default 30s */
  readonly lease?: Duration;
  /**
   * Decides per function id, tier and value size whether a tier keeps a value, and for how long
   * (NDB's policy functions): `false` skips the tier for that value, `{ ttl }` keeps it with
   * that ttl, `true` keeps it with the function's own. @default keep everywhere
   */
  readonly policy?: (info: PolicyInfo) => PolicyDecision;
  /** The built-in SQLite (`storage=sqlite`, `tiered`) and blob-file (`storage=fs`) stores. */
  readonly sqlite?: SqliteOptions;
}

/** Options of the built-in SQLite and blob-file stores; see docs/storage.md. */
export interface SqliteOptions {
  /** Total bytes of SQLite rows and blob files together; least recently used entries go first. @default 1 GiB */
  readonly maxBytes?: number;
  /**
   * Under `storage=sqlite`, encoded values above this many bytes go to a blob file instead of the
   * row (`storage=fs` puts every value in a blob file). `0` spills everything; `Infinity` nothing.
   * @default 64 KiB
   */
  readonly inlineLimit?: number;
  /** How long a call waits on another process's lock before the tier is skipped. @default 5s */
  readonly busyTimeout?: Duration;
  /**
   * The SQLite binding: `better-sqlite3`, `node:sqlite` (built into Node >= 22.13), or `auto`
   * (better-sqlite3 when it loads, else node:sqlite). @default CACHET_SQLITE, else 'auto'
   */
  readonly driver?: 'better-sqlite3' | 'node:sqlite' | 'auto';
}

/** A policy's answer for one value in one tier. */
export type PolicyDecision = boolean | { readonly ttl: Duration };

/** What a `policy` is asked about: one value about to be written to one tier. */
export interface PolicyInfo {
  readonly fn: string;
  readonly tier: string;
  /** Encoded size in bytes where the tier encodes; approximate heap size for memory. */
  readonly size: number;
}

export interface ResolvedConfig {
  readonly dir: string;
  readonly ttl: number;
  readonly swr: number;
  readonly storage: string;
  readonly memory: MemoryLimits;
  readonly stores: Readonly<Record<string, StoreSpec>>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly onEvent: ((event: CacheEvent) => void) | undefined;
  readonly disabled: boolean;
  readonly verify: boolean;
  readonly backoff: number;
  readonly lease: number;
  readonly policy: ((info: PolicyInfo) => PolicyDecision) | undefined;
  readonly sqlite: SqliteSettings;
}

const consoleLogger: Logger = {
  warn: (message, cause) => console.warn(`[cachet] ${message}`, ...(cause === undefined ? [] : [cause])),
};

/** Merges `options` over `base` (or over the defaults) into the one config the runtime reads. */
export function resolveConfig(options: ConfigureOptions, base?: ResolvedConfig): ResolvedConfig {
  const env = platform().env;
  const defaults = options.defaults ?? {};
  const ttl = defaults.ttl === undefined ? base?.ttl : parseDuration(defaults.ttl, 'default ttl');
  const swr = defaults.swr === undefined ? base?.swr : parseDuration(defaults.swr, 'default swr');
  return {
    dir: options.dir ?? base?.dir ?? env('CACHET_DIR') ?? platform().defaultDir(),
    ttl: ttl ?? Number.POSITIVE_INFINITY,
    swr: swr ?? 0,
    storage: defaults.storage ?? base?.storage ?? platform().defaultStorage,
    memory: {
      maxEntries: positive(options.memory?.maxEntries, 'memory.maxEntries') ?? base?.memory.maxEntries ?? 100_000,
      maxBytes: positive(options.memory?.maxBytes, 'memory.maxBytes') ?? base?.memory.maxBytes ?? 256 * 1024 * 1024,
    },
    stores: { ...base?.stores, ...options.stores },
    now: options.now ?? base?.now ?? Date.now,
    logger: options.logger ?? base?.logger ?? consoleLogger,
    onEvent: options.onEvent ?? base?.onEvent,
    disabled: options.disabled ?? base?.disabled ?? env('CACHET_DISABLE') === '1',
    verify: options.verify ?? base?.verify ?? env('CACHET_VERIFY') === '1',
    backoff: options.backoff === undefined ? (base?.backoff ?? 30_000) : parseDuration(options.backoff, 'backoff'),
    lease: options.lease === undefined ? (base?.lease ?? 30_000) : parseDuration(options.lease, 'lease'),
    policy: options.policy ?? base?.policy,
    sqlite: resolveSqlite(options.sqlite, base?.sqlite),
  };
}

function resolveSqlite(options: SqliteOptions | undefined, base: SqliteSettings | undefined): SqliteSettings {
  const busy = options?.busyTimeout;
  const inlineLimit = options?.inlineLimit;
  if (inlineLimit !== undefined && !(inlineLimit >= 0))
    throw new CachetConfigError(`sqlite.inlineLimit must be a number >= 0, got ${inlineLimit}`);
  return {
    ...base,
    ...(options?.maxBytes === undefined ? {} : { maxBytes: positive(options.maxBytes, 'sqlite.maxBytes') }),
    ...(inlineLimit === undefined ? {} : { inlineLimit }),
    ...(busy === undefined ? {} : { busyTimeout: parseDuration(busy, 'sqlite.busyTimeout') }),
    ...(options?.driver === undefined ? {} : { driver: options.driver }),
  };
}

function positive(value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value > 0)) throw new CachetConfigError(`${what} must be a positive number, got ${value}`);
  return value;
}

/** The settings built-in stores are created with. */
export function storeSettings(config: ResolvedConfig, warn: (message: string, cause?: unknown) => void): StoreSettings {
  return { dir: config.dir, now: config.now, warn, sqlite: config.sqlite };
}
