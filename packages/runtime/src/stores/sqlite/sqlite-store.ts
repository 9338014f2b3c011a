import { randomBytes } from 'node:crypto';
import type { Encoded } from '../../codec/codecs.js';
import { decodeValue, encodedSize, encodeValue } from '../../codec/codecs.js';
import { CachetCodecError, CachetStoreError, isCachetError } from '../../errors.js';
import { isFresh } from '../../expiry.js';
import type { StoreSettings } from '../../platform.js';
import type { CodecName, EntryKey, StatsSample, StoredEntry, StoreFunctionInfo, SyncStore } from '../../store.js';
import { NOT_FOUND } from '../../store.js';
import { BlobFiles, BlobMissingError } from '../blob/blob-files.js';
import { ByteCount } from './byte-count.js';
import { DatabaseHandle, type Open } from './database-handle.js';
import { chooseDriver } from './driver/choose.js';
import { textOf } from './driver/driver.js';
import { releaseBlob, removeExpired, removeOrphans } from './housekeeping.js';
import {
  countExpired,
  type EntryInfo,
  type EntryQuery,
  type FunctionSummary,
  listEntries,
  type OnProgress,
  type PruneQuery,
  pruneEntries,
  readValue,
  summarise,
} from './inspect.js';
import { type ResolvedSqliteStoreOptions, resolveSqliteStoreOptions, type SqliteStoreOptions } from './options.js';
import { CODECS, type EntryRow, type HitRow } from './statements.js';
import {
  claimReport,
  removeStatsBefore,
  type StatsPoint,
  type StatsTotal,
  statsSeries,
  statsTotals,
} from './stats-table.js';
import { removeSuperseded } from './versions.js';
import { type CommitLimits, type PendingWrite, WriteBatch } from './write-batch.js';

/** A hit records its access time only when the stored one is older than this (LRU at minute grain, hits write-free). */
const TOUCH_EVERY = 60_000;
/** Bytes charged per entry besides the value and the key text. */
const ROW_OVERHEAD = 64;
/** Every this many written rows, a commit also removes a few expired rows. */
const SWEEP_EVERY = 1000;
const SWEEP_LIMIT = 100;
/** gc drops per-minute counters older than this. */
const STATS_KEPT = 7 * 24 * 3_600_000;

/**
 * The SQLite tier (and, with an inline limit of 0, the blob-file tier `fs`): one row per entry in
 * `cache.db`, values above the inline limit in blob files. Synchronous (better-sqlite3 or
 * `node:sqlite`, see `driver/`), so sync cached functions read it too. Faults are thrown for the runtime's guard to report, except
 * corruption, which is repaired; faults of background work are thrown by the next call.
 */
export class SqliteStore implements SyncStore {
  readonly name: string;
  readonly sync = true as const;
  readonly persistent = true;
  private readonly opts: ResolvedSqliteStoreOptions;
  private readonly limits: CommitLimits;
  private readonly blobs: BlobFiles | undefined;
  private readonly batch = new WriteBatch();
  private readonly bytes: ByteCount;
  /** This store's identity in lease rows. */
  private readonly owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private readonly warned = new Set<string>();
  private readonly handle: DatabaseHandle;
  private flushScheduled = false;
  /** A failure of work done in the background (group commit, gc), raised by the next call. */
  private fault: unknown;
  private writesSinceSweep = 0;
  /** Set by the exit hook: work queued from here on commits at once. */
  private exiting = false;

  constructor(options: SqliteStoreOptions) {
    this.opts = resolveSqliteStoreOptions(options);
    this.name = this.opts.name;
    this.limits = { maxBytes: this.opts.maxBytes, evictPerWrite: 2 };
    this.bytes = new ByteCount(this.opts.maxBytes);
    this.blobs = this.opts.blobDir === undefined ? undefined : new BlobFiles(this.opts.blobDir);
    this.handle = new DatabaseHandle(this.opts, this.blobs, { onExit: this.onExit, onTimer: this.backgroundGc });
  }

  get(key: EntryKey): StoredEntry | undefined {
    if (this.fault !== undefined) this.raise();
    if (this.batch.writes.size > 0) {
      const pending = this.batch.writes.get(key.hash);
      if (pending !== undefined) return pending.key.text === key.text ? pendingEntry(pending) : undefined;
    }
    const rows = this.handle.rows();
    const now = this.opts.now();
    let row: EntryRow | undefined;
    try {
      rows.db.reading(now);
      row = rows.st.get.get(key.hash);
    } catch (error) {
      return this.handle.recover(error, undefined);
    }
    // Read by index: array destructuring goes through the iterator protocol on every hit.
    if (row === undefined || textOf(row[0]) !== key.text) return undefined;
    const value = this.decodeRow(rows, key, row[1], row[7], row[6]);
    if (value === NOT_FOUND) return undefined;
    this.touch(key, row[5], now);
    return {
      value,
      codec: CODECS[row[6]] as CodecName,
      createdAt: row[2],
      expiresAt: row[3] ?? Number.POSITIVE_INFINITY,
      staleUntil: row[4] ?? Number.POSITIVE_INFINITY,
    };
  }

  /**
   * `get` and the freshness check in one, without the entry's times (see `Store.getFresh`): the
   * row read holds the key, the value, the codec and the two times a hit looks at, no more; each
   * other time would be one more number converted per hit.
   */
  getFresh(key: EntryKey, now: number): unknown {
    if (this.fault !== undefined) this.raise();
    if (this.batch.writes.size > 0 && this.batch.writes.has(key.hash)) {
      const entry = this.get(key);
      return entry !== undefined && isFresh(entry, now) ? entry.value : NOT_FOUND;
    }
    const rows = this.handle.rows();
    let row: HitRow | undefined;
    try {
      rows.db.reading(now);
      row = rows.st.hit.get(key.hash);
    } catch (error) {
      return this.handle.recover(error, NOT_FOUND);
    }
    if (row === undefined || textOf(row[0]) !== key.text) return NOT_FOUND;
    const expiresAt = row[3];
    if (expiresAt !== null && expiresAt <= now) return NOT_FOUND;
    const value = this.decodeRow(rows, key, row[1], row[5], row[2]);
    if (value !== NOT_FOUND) this.touch(key, row[4], now);
    return value;
  }

  set(key: EntryKey, entry: StoredEntry): void {
    if (this.fault !== undefined) this.raise();
    if (this.handle.closed) throw this.closedError();
    // Encoded now: the stored bytes are the value as it was returned, whatever happens to it later.
    const data = encodeValue(entry.codec, entry.value);
    const bytes = encodedSize(data);
    const spill = this.blobs !== undefined && bytes > this.opts.inlineLimit;
    const size = bytes + key.text.length + ROW_OVERHEAD;
    this.batch.writes.set(key.hash, { key, entry, data, size, spill, at: this.opts.now() });
    this.schedule();
  }

  delete(key: EntryKey): boolean {
    return this.transact(false, (rows) => {
      const gone = rows.st.deleteKey.get(key.hash, key.text);
      if (gone === undefined) return false;
      releaseBlob(rows, gone.blob);
      return true;
    });
  }

  clear(fn?: string): number {
    return this.transact(0, (rows) => {
      const names = fn === undefined ? rows.st.allBlobs.all() : rows.st.blobsOfFn.all(fn);
      const removed = fn === undefined ? rows.st.clearAll.run().changes : rows.st.clearFn.run(fn).changes;
      for (const name of names) releaseBlob(rows, name);
      return removed;
    });
  }

  /**
   * Takes the lease on `key` for `ms` (wall-clock) milliseconds unless another live owner holds
   * it, or a fresh entry is already there (its owner just stored it: the caller's next read finds
   * it, rather than computing it a second time).
   */
  acquireLease(key: EntryKey, ms: number): boolean {
    return this.transact(true, (rows) => {
      if (rows.st.fresh.get(key.hash, key.text, this.opts.now()) !== undefined) return false;
      const wall = Date.now();
      const lease = rows.st.leaseGet.get(key.hash);
      if (lease !== undefined && lease.owner !== this.owner && lease.expires_at > wall) return false;
      rows.st.leasePut.run(key.hash, this.owner, wall + ms);
      return true;
    });
  }

  /** Gives the lease up, after committing what its owner stored (so waiters find the entry). */
  releaseLease(key: EntryKey): void {
    this.transact(undefined, (rows) => {
      rows.st.leaseDelete.run(key.hash, this.owner);
    });
  }

  /**
   * Removes entries past their stale window, expired leases, old orphaned or temporary blob
   * files, and counters older than a week, and recounts the bytes the size limit is checked
   * against; `onProgress` hears how far it got (for a terminal).
   */
  gc(onProgress?: OnProgress): number {
    return this.collect(true, onProgress);
  }

  /** gc; the hourly background run leaves out the recount (it reads the whole table). */
  private collect(recount: boolean, onProgress?: OnProgress): number {
    return this.transact(
      0,
      (rows) => {
        const now = this.opts.now();
        const total = onProgress === undefined ? 0 : countExpired(rows.db, now);
        const sweep = (): number => rows.db.transaction(() => removeExpired(rows, now, 500));
        let removed = 0;
        onProgress?.({ phase: 'expired', done: 0, total });
        for (let batch = sweep(); batch > 0; batch = sweep()) {
          removed += batch;
          onProgress?.({ phase: 'expired', done: removed, total: Math.max(total, removed) });
        }
        rows.st.leasesExpired.run(Date.now());
        rows.db.transaction(() => removeStatsBefore(rows.db, now - STATS_KEPT));
        if (recount) rows.db.transaction(() => this.bytes.recount(rows));
        return removed + removeOrphans(rows, Date.now() - this.opts.blobGrace, onProgress);
      },
      false,
    );
  }

  functions(): StoreFunctionInfo[] {
    return this.transact([], (rows) => rows.st.functions.all(), false);
  }

  /**
   * Adds each function's counts to the per-minute `stats` table in the next group commit. The
   * report at exit has no next tick: it commits at once when the exit hook already ran, or with
   * it when it runs later; a store whose connection is not open (so no exit hook) commits at
   * once too. The runtime sends one report to every store; the `sqlite` and `fs` stores share a
   * database, which counts it once.
   */
  recordStats(samples: readonly StatsSample[]): void {
    if (this.fault !== undefined) this.raise();
    if (samples.length === 0 || this.handle.closed || !claimReport(samples, this.opts.file)) return;
    this.batch.stats.push(...samples);
    if (this.exiting || !this.handle.open) this.flush(this.exiting);
    else this.schedule();
  }

  // For tools that read the cache from outside (the `cachet` CLI and dashboard).

  /** Entries' metadata (no values), most recently used first or, with `expiringBefore`, soonest expiry first. */
  entries(query: EntryQuery = {}): EntryInfo[] {
    return this.transact([], (rows) => listEntries(rows.db, query), false);
  }

  /** Per function: entries, bytes, versions, blob files, expired rows, last access. */
  summary(): FunctionSummary[] {
    return this.transact([], (rows) => summarise(rows.db, this.opts.now()), false);
  }

  /** The decoded value of the entry at `hash` (as `entries()` gives it), without touching its access time. */
  value(hash: string): { value: unknown } | undefined {
    return this.transact(undefined, (rows) => readValue(rows, hash), false);
  }

  /** Each function's counts reported from `since` (ms) on. */
  statsTotals(since = 0): StatsTotal[] {
    return this.transact([], (rows) => statsTotals(rows.db, since), false);
  }

  /** Each function's counts from `since` on, added up per `bucket` ms. */
  statsSeries(since: number, bucket: number): StatsPoint[] {
    return this.transact([], (rows) => statsSeries(rows.db, since, bucket), false);
  }

  /** Removes entries created (or last read) before `query.before`; returns how many. */
  prune(query: PruneQuery, onProgress?: OnProgress): number {
    return this.transact(0, (rows) => pruneEntries(rows, query, onProgress), false);
  }

  /**
   * Removes the entries of every function's superseded versions: all but the version of its most
   * recently used entry (`cachet gc`). Returns how many went.
   */
  removeOlderVersions(onProgress?: OnProgress): number {
    return this.transact(0, (rows) => removeSuperseded(rows, onProgress), false);
  }

  /**
   * Commits pending writes now (normally done once per tick); `settle` also writes the bytes this
   * process has not added to the shared count yet (at close and exit).
   */
  flush(settle = false): void {
    if (this.batch.empty && !(settle && this.bytes.unsettled)) return;
    const rows = this.handle.rows();
    try {
      this.writesSinceSweep += this.batch.commit(rows, this.limits, this.bytes, settle);
      if (this.writesSinceSweep >= SWEEP_EVERY) {
        this.writesSinceSweep = 0;
        rows.db.transaction(() => removeExpired(rows, this.opts.now(), SWEEP_LIMIT));
      }
    } catch (error) {
      this.handle.recover(error, undefined);
    }
  }

  close(): void {
    if (this.handle.closed) return;
    try {
      this.flush(true);
    } finally {
      this.handle.closed = true;
      this.handle.shutdown();
    }
    const fault = this.fault;
    this.fault = undefined;
    if (fault !== undefined) throw fault;
  }

  /**
   * The value of a row read by `get` or `getFresh` (`data` inline, or `blob` naming its file), or
   * `NOT_FOUND` when it cannot be read: a blob file missing or damaged, or bytes that fail to
   * decode, drop the entry (reported once). A blob file gone because another connection rewrote
   * or deleted the entry since the row was read is a plain miss: nothing is dropped or reported.
   */
  private decodeRow(rows: Open, key: EntryKey, data: Encoded | null, blob: string | null, codecIndex: number): unknown {
    try {
      const codec = CODECS[codecIndex];
      const bytes = data ?? (blob === null ? null : (rows.blobs?.read(blob) ?? null));
      if (bytes === null) throw new CachetCodecError('the entry holds no value');
      if (codec === undefined) throw new CachetCodecError('the stored codec is not one this runtime knows');
      return decodeValue(codec, bytes);
    } catch (error) {
      if (error instanceof BlobMissingError && blob !== null) {
        // Dropped only if the row still names the file: else it changed since it was read.
        if (rows.st.deleteBlobRow.run(key.hash, blob).changes > 0)
          this.warnOnce('blob', `a blob file of ${key.fn} was missing or damaged; dropped the entry`, error);
        return NOT_FOUND;
      }
      if (!isCachetError(error, CachetCodecError.code)) throw error;
      this.delete(key);
      this.warnOnce('decode', `an entry of ${key.fn} failed to decode; dropped it`, error);
      return NOT_FOUND;
    }
  }

  /** Records a hit's access time, at most once a `TOUCH_EVERY` per entry (in the next commit). */
  private touch(key: EntryKey, accessedAt: number, now: number): void {
    if (now - accessedAt < TOUCH_EVERY) return;
    this.batch.touches.set(key.hash, now);
    this.schedule();
  }

  /**
   * Runs `work` on the open database, inside a `BEGIN IMMEDIATE` transaction unless `write` is
   * false, after committing pending writes. Corruption is repaired and answered with `fallback`;
   * every other fault is thrown, for the runtime's guard to report.
   */
  private transact<T>(fallback: T, work: (rows: Open) => T, write = true): T {
    if (this.fault !== undefined) this.raise();
    this.flush();
    const rows = this.handle.rows();
    try {
      return write ? rows.db.transaction(() => work(rows)) : work(rows);
    } catch (error) {
      return this.handle.recover(error, fallback);
    }
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushInBackground);
  }

  private readonly flushInBackground = (): void => {
    this.flushScheduled = false;
    if (this.handle.closed) return;
    try {
      this.flush();
    } catch (error) {
      this.fault ??= error;
    }
  };

  private readonly backgroundGc = (): void => {
    try {
      // Another process may have moved a corrupt file aside: follow it to the fresh one.
      if (!this.handle.followMove()) this.collect(false);
    } catch (error) {
      this.fault ??= error;
    }
  };

  /** Pending writes are committed when the process exits normally. */
  private readonly onExit = (): void => {
    this.exiting = true;
    try {
      this.flush(true);
    } catch (error) {
      this.opts.warn(`the ${this.name} store could not commit its last writes at exit`, error);
    }
  };

  private raise(): never {
    const fault = this.fault;
    this.fault = undefined;
    throw fault;
  }

  private warnOnce(topic: string, message: string, cause: unknown): void {
    if (this.warned.has(topic)) return;
    this.warned.add(topic);
    this.opts.warn(message, cause);
  }

  private closedError(): CachetStoreError {
    return new CachetStoreError(`the ${this.name} store is closed`);
  }
}

function pendingEntry(pending: PendingWrite): StoredEntry {
  const { entry } = pending;
  return { ...entry, value: decodeValue(entry.codec, pending.data) };
}

/** A SQLite store: `dir/cache.db` with blob files in `dir/blobs/`, or `':memory:'`. */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

/** The built-in `sqlite` store, from the runtime's settings (`configure({ dir, sqlite })`). */
export function sqliteStoreFromSettings(settings: StoreSettings): SyncStore {
  return new SqliteStore(builtinOptions(settings));
}

/**
 * The options of a built-in store (`sqlite`, `fs`). The binding is chosen here, when a cached
 * call first resolves its storage, so that a machine without any is told so once, at that call,
 * with the fix (`CACHET_E_NO_SQLITE`), rather than by every tier that would use it.
 */
export function builtinOptions(settings: StoreSettings): SqliteStoreOptions {
  const driver = chooseDriver(settings.sqlite?.driver).name;
  return { ...settings.sqlite, driver, dir: settings.dir, now: settings.now, warn: settings.warn };
}
