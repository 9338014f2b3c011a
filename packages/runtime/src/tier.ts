import type { ResolvedConfig } from './config.js';
import type { EntryKey, MaybePromise, StatsSample, Store, StoredEntry, SyncStore } from './store.js';
import { isThenable, NOT_FOUND } from './store.js';

/** Counters of one tier for one function (or all of them). */
export interface TierCounters {
  hits: number;
  misses: number;
  writes: number;
  errors: number;
}

export function newTierCounters(): TierCounters {
  return { hits: 0, misses: 0, writes: 0, errors: 0 };
}

/** The first skip after a fault; each consecutive fault doubles it, up to the `backoff` option. */
const FIRST_BACKOFF_MS = 1_000;

/**
 * A store behind a guard: a fault (a throw or a rejection) never reaches the user's call. It is
 * reported once, with its cause, and the tier is skipped for a back-off period: 1 s after the first
 * fault, doubling with each consecutive one (a fault on the first try after a skip) up to the
 * `backoff` option. One slow command on a loaded machine so costs a second, not the whole
 * back-off, while a tier that stays down is tried rarely. A success resets both the period and the
 * report, so the next outage is reported again.
 */
export class Tier {
  private downUntil = 0;
  private reported = false;
  /** The current skip, 0 while the tier is healthy. */
  private skipMs = 0;

  constructor(
    readonly store: Store,
    private readonly host: TierHost,
  ) {}

  get name(): string {
    return this.store.name;
  }

  /** False while the tier is in its back-off period. */
  available(): boolean {
    return this.downUntil === 0 || this.host.config().now() >= this.downUntil;
  }

  get(key: EntryKey): MaybePromise<StoredEntry | undefined> {
    // `guard` inlined: a read of a persistent tier is the hit path of functions without a
    // memory tier, and a closure per read is measurable there.
    if (this.downUntil !== 0 && !this.available()) return undefined;
    try {
      const result = this.store.get(key);
      if (isThenable(result))
        return result.then(this.succeeded, (error: unknown) => this.failed('get', error, undefined));
      if (this.skipMs !== 0 || this.reported) this.recovered();
      return result;
    } catch (error) {
      return this.failed('get', error, undefined);
    }
  }

  /**
   * `store.getFresh` (a sync store's value-only read, see `Store.getFresh`) behind the same
   * guard as `get`: `NOT_FOUND` while the tier is skipped or when the read fails.
   */
  getFresh(key: EntryKey, now: number): unknown {
    if (this.downUntil !== 0 && !this.available()) return NOT_FOUND;
    try {
      const value = (this.store as Required<Pick<SyncStore, 'getFresh'>>).getFresh(key, now);
      if (this.skipMs !== 0 || this.reported) this.recovered();
      return value;
    } catch (error) {
      return this.failed('get', error, NOT_FOUND);
    }
  }

  set(key: EntryKey, entry: StoredEntry): MaybePromise<void> {
    // `guard` inlined, as in `get`: every miss of a function with persistent tiers stores.
    if (this.downUntil !== 0 && !this.available()) return undefined;
    try {
      const result = this.store.set(key, entry);
      if (isThenable(result))
        return result.then(this.succeeded, (error: unknown) => this.failed('set', error, undefined));
      if (this.skipMs !== 0 || this.reported) this.recovered();
      return result;
    } catch (error) {
      return this.failed('set', error, undefined);
    }
  }

  delete(key: EntryKey): MaybePromise<boolean> {
    return this.guard('delete', () => this.store.delete(key), false);
  }

  clear(fn?: string): MaybePromise<number> {
    return this.guard('clear', () => this.store.clear(fn), 0);
  }

  acquireLease(key: EntryKey, ms: number): MaybePromise<boolean> {
    // A tier that cannot lease (or fails to) lets this process compute: never block the call.
    const store = this.store;
    if (store.acquireLease === undefined) return true;
    return this.guard('lease', () => store.acquireLease?.(key, ms) ?? true, true);
  }

  releaseLease(key: EntryKey): MaybePromise<void> {
    const store = this.store;
    return this.guard('lease', () => store.releaseLease?.(key), undefined);
  }

  /** Waits for the store's change notice (see `Store.changed`); a failure ends the wait. */
  changed(key: EntryKey, ms: number): MaybePromise<void> {
    const store = this.store;
    return this.guard('wait for a change', () => store.changed?.(key, ms), undefined);
  }

  recordStats(samples: readonly StatsSample[]): MaybePromise<void> {
    const store = this.store;
    return this.guard('record stats', () => store.recordStats?.(samples), undefined);
  }

  private guard<T>(op: string, run: () => MaybePromise<T>, fallback: T): MaybePromise<T> {
    if (!this.available()) return fallback;
    try {
      const result = run();
      if (isThenable(result)) return result.then(this.succeeded, (error: unknown) => this.failed(op, error, fallback));
      this.recovered();
      return result;
    } catch (error) {
      return this.failed(op, error, fallback);
    }
  }

  private readonly succeeded = <T>(value: T): T => {
    this.recovered();
    return value;
  };

  private recovered(): void {
    this.reported = false;
    this.skipMs = 0;
  }

  private failed<T>(op: string, error: unknown, fallback: T): T {
    const config = this.host.config();
    const now = config.now();
    // Operations started before the tier went down and failing after it add nothing: only a
    // fault while the tier is available starts or lengthens a skip.
    if (now >= this.downUntil) {
      this.skipMs = Math.min(config.backoff, this.skipMs === 0 ? FIRST_BACKOFF_MS : this.skipMs * 2);
      this.downUntil = now + this.skipMs;
    }
    if (!this.reported) {
      this.reported = true;
      this.host.warn(
        `tier "${this.name}" failed to ${op}; skipping it for ${this.skipMs} ms, longer while it keeps failing (up to ${config.backoff} ms)`,
        error,
      );
    }
    this.host.event({ type: 'tier-error', tier: this.name, op, error });
    return fallback;
  }
}

/** What a tier needs from the runtime that owns it. */
export interface TierHost {
  config(): ResolvedConfig;
  warn(message: string, cause?: unknown): void;
  event(event: { type: 'tier-error'; tier: string; op: string; error: unknown }): void;
}
