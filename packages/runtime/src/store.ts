/**
 * The store contract. Every tier below the in-process memory tier (SQLite, blob files, Redis, and
 * the memory store used in registered tier lists) implements `Store`, and every implementation
 * passes the shared suite in `test/store-suite.ts` (`describeStore`).
 */

/** A value or a promise of it: sync stores answer directly, remote stores asynchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** Name of a value codec. `live` means "kept as the object itself" (memory only). */
export type CodecName = 'json' | 'v8' | 'live';

/** The address of one entry. Built once per miss; never on a memory hit. */
export interface EntryKey {
  /** Function id, e.g. `src/users.ts#loadUser`. */
  readonly fn: string;
  /** The function's version token. */
  readonly version: string;
  /** The full key text: id, version and encoded arguments. Stores compare it on every read. */
  readonly text: string;
  /** Signed 64-bit xxh64 of `text`: the address persistent stores index by. */
  readonly hash: bigint;
}

/** One cached result as the runtime hands it to a store and gets it back. */
export interface StoredEntry {
  /** The value itself; persistent stores encode it with `codec`. */
  readonly value: unknown;
  readonly codec: CodecName;
  /** Times in milliseconds of the runtime's clock. `expiresAt` is `Infinity` for `forever`. */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** End of the stale-while-revalidate window (`expiresAt` when there is none). */
  readonly staleUntil: number;
}

/** What `Store.getFresh` (and the runtime's sync reads) answer when no fresh entry is there. */
export const NOT_FOUND: unique symbol = Symbol('not found');

/** Summary of one function's entries in a store (for `cachet stats` and the dashboard). */
export interface StoreFunctionInfo {
  readonly fn: string;
  readonly entries: number;
  readonly bytes: number;
}

/** A tier below the process memory tier: what every store implements (see `describeStore`). */
export interface Store {
  /** Name used in logs, stats and `withCacheOptions({ tiers })`. */
  readonly name: string;
  /**
   * True when every method answers synchronously (never a promise). Only sync stores are read by
   * sync functions; async stores are written in the background for them.
   */
  readonly sync: boolean;
  /** True when values outlive the process (the runtime then needs a codec for them). */
  readonly persistent: boolean;

  /**
   * The entry stored under `key`, or undefined. A store must return undefined, never a wrong
   * value, when the stored key text differs from `key.text`. Expired entries may be returned:
   * the runtime decides freshness (stale-while-revalidate needs them).
   */
  get(key: EntryKey): MaybePromise<StoredEntry | undefined>;
  /**
   * The hit path's read, for sync stores (optional): the value of the entry under `key` when it
   * is fresh at `now` (its `expiresAt` later than `now`), else `NOT_FOUND`; the same answer as
   * `get` followed by the freshness check, without the entry's times. The runtime uses it where
   * nothing needs them: a function whose first tier is this store and that has no memory tier to
   * fill. A store that reads its times from disk skips reading and converting them on every hit.
   */
  getFresh?(key: EntryKey, now: number): unknown;
  /** Stores `entry` under `key`, replacing what was there. */
  set(key: EntryKey, entry: StoredEntry): MaybePromise<void>;
  /** Removes the entry; true when there was one. */
  delete(key: EntryKey): MaybePromise<boolean>;
  /** Removes every entry of function `fn`, or all entries; returns how many were removed. */
  clear(fn?: string): MaybePromise<number>;
  /** Flushes pending writes and releases resources. The store is unusable afterwards. */
  close(): MaybePromise<void>;

  /**
   * Cross-process herd (optional): try to become the one process that computes `key`, for at
   * most `ms` milliseconds. True when this process now holds the lease.
   */
  acquireLease?(key: EntryKey, ms: number): MaybePromise<boolean>;
  /** Gives up a lease taken with `acquireLease`. */
  releaseLease?(key: EntryKey): MaybePromise<void>;
  /**
   * Resolves when the entry for `key` may have changed in another process (a pub/sub notice),
   * or after `ms` at the latest. Lease waiters use it to wake at once instead of polling.
   */
  changed?(key: EntryKey, ms: number): Promise<void>;
  /**
   * The invalidation bus: the runtime subscribes once, when it first uses the store; the store
   * calls `listener` when another process invalidated or cleared entries, and the runtime drops
   * them from its memory tier. The store publishes its own `delete` and `clear` to the others.
   */
  subscribe?(listener: InvalidationListener): void;
  /**
   * Keeps counters for tools that read the cache from outside (`cachet stats`, the dashboard):
   * the runtime sends each function's counts since its last report, every few seconds, at
   * `close()` and at process exit (so: synchronously, where the store can).
   */
  recordStats?(samples: readonly StatsSample[]): MaybePromise<void>;
  /**
   * Called once, when the runtime first uses the store: the runtime's clock (an injected one in
   * tests) and logger, so a registered store measures time and reports faults as the runtime does.
   */
  attach?(host: StoreHost): void;
  /** Removes expired entries and orphaned data; returns how many were removed. */
  gc?(): MaybePromise<number>;
  /** Per-function entry counts and sizes. */
  functions?(): MaybePromise<StoreFunctionInfo[]>;
}

/** What the runtime hands a store in `attach`. */
export interface StoreHost {
  /** The runtime's clock, in milliseconds (`configure({ now })`). */
  now(): number;
  /** The runtime's logger (`configure({ logger })`). */
  warn(message: string, cause?: unknown): void;
}

/** What the runtime counts per function, and stores keep for tools. */
export interface StatsCounts {
  readonly hits: number;
  readonly misses: number;
  readonly staleHits: number;
  readonly herdJoins: number;
  readonly errors: number;
}

/** One function's counts over one minute (`at`: the minute's start, in ms of the runtime's clock). */
export interface StatsSample extends StatsCounts {
  readonly fn: string;
  readonly at: number;
}

/** A store whose every method answers synchronously: SQLite, blob files, memory. */
export interface SyncStore extends Store {
  readonly sync: true;
  get(key: EntryKey): StoredEntry | undefined;
  getFresh?(key: EntryKey, now: number): unknown;
  set(key: EntryKey, entry: StoredEntry): void;
  delete(key: EntryKey): boolean;
  clear(fn?: string): number;
  close(): void;
  acquireLease?(key: EntryKey, ms: number): boolean;
  releaseLease?(key: EntryKey): void;
  gc?(): number;
  functions?(): StoreFunctionInfo[];
}

/**
 * What another process invalidated: one entry (`fn` and `text`), every entry of a function
 * (`fn` alone), or everything (neither).
 */
export interface Invalidation {
  readonly fn?: string;
  readonly text?: string;
}

/** Called by a store when another process invalidated or cleared entries. */
export type InvalidationListener = (invalidation: Invalidation) => void;

/** True when `value` is a promise-like (a thenable). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
