import { parseDuration } from './duration.js';
import type { MemoryLimits } from './memory/memory-tier.js';
import { configureOptions } from './options/configure-options.js';
import { optionsFromEnvironment } from './options/environment.js';
import type { defaultsOptions } from './options/function-options.js';
import type { OptionsOf } from './options/schema.js';
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

/** Defaults for functions whose own options do not say (`configure({ defaults })`). */
export type Defaults = OptionsOf<typeof defaultsOptions, 'configure'>;

/** The options of `configure()`, declared once in `options/configure-options.ts`. */
export type ConfigureOptions = OptionsOf<typeof configureOptions, 'configure'>;

/** Options of the built-in SQLite and blob-file stores; see docs/storage.md. */
export type SqliteOptions = NonNullable<ConfigureOptions['sqlite']>;

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

/**
 * Merges `options` over `base` (or over the declared defaults) into the one config the runtime
 * reads. `configure()` has checked `options` against the declarations; durations are parsed here.
 */
export function resolveConfig(options: ConfigureOptions, base?: ResolvedConfig): ResolvedConfig {
  // CACHET_DIR, CACHET_DISABLE, CACHET_VERIFY: read as the declarations say (`env`), a bad value
  // refused with the variable's name, as `node --import @cachet/register` reads its variables.
  const env = optionsFromEnvironment(configureOptions, 'configure', platform().env) as ConfigureOptions;
  const defaults = options.defaults ?? {};
  const ttl = defaults.ttl === undefined ? base?.ttl : parseDuration(defaults.ttl, 'default ttl');
  const swr = defaults.swr === undefined ? base?.swr : parseDuration(defaults.swr, 'default swr');
  return {
    dir: options.dir ?? base?.dir ?? env.dir ?? platform().defaultDir(),
    ttl: ttl ?? parseDuration(configureOptions.defaults.fields.ttl.default),
    swr: swr ?? 0,
    storage: defaults.storage ?? base?.storage ?? platform().defaultStorage,
    memory: {
      maxEntries:
        options.memory?.maxEntries ?? base?.memory.maxEntries ?? configureOptions.memory.fields.maxEntries.default,
      maxBytes: options.memory?.maxBytes ?? base?.memory.maxBytes ?? configureOptions.memory.fields.maxBytes.default,
    },
    stores: { ...base?.stores, ...options.stores },
    now: options.now ?? base?.now ?? Date.now,
    logger: options.logger ?? base?.logger ?? consoleLogger,
    onEvent: options.onEvent ?? base?.onEvent,
    disabled: options.disabled ?? base?.disabled ?? env.disabled ?? false,
    verify: options.verify ?? base?.verify ?? env.verify ?? false,
    backoff: parseDuration(options.backoff ?? base?.backoff ?? configureOptions.backoff.default, 'backoff'),
    lease: parseDuration(options.lease ?? base?.lease ?? configureOptions.lease.default, 'lease'),
    policy: options.policy ?? base?.policy,
    sqlite: resolveSqlite(options.sqlite, base?.sqlite),
  };
}

function resolveSqlite(options: SqliteOptions | undefined, base: SqliteSettings | undefined): SqliteSettings {
  const busy = options?.busyTimeout;
  const inlineLimit = options?.inlineLimit;
  return {
    ...base,
    ...(options?.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    ...(inlineLimit === undefined ? {} : { inlineLimit }),
    ...(busy === undefined ? {} : { busyTimeout: parseDuration(busy, 'sqlite.busyTimeout') }),
    ...(options?.driver === undefined ? {} : { driver: options.driver }),
  };
}

/** The settings built-in stores are created with. */
export function storeSettings(config: ResolvedConfig, warn: (message: string, cause?: unknown) => void): StoreSettings {
  return { dir: config.dir, now: config.now, warn, sqlite: config.sqlite };
}
