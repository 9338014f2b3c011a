import { randomBytes } from 'node:crypto';
import type { Encoded, PersistentCodec } from '../../codec/codecs.js';
import { decodeValue, encodedSize, encodeValue } from '../../codec/codecs.js';
import { CachetCodecError, CachetStoreError, isCachetError } from '../../errors.js';
import type { StoreSettings } from '../../platform.js';
import type { EntryKey, Store, StoredEntry, StoreFunctionInfo } from '../../store.js';
import { BlobFiles, BlobMissingError } from '../blob/blob-files.js';
import { type Connection, connect, inodeOf, isCorruption, moveAside } from './connection.js';
import { type Rows, releaseBlob, removeExpired, removeOrphans } from './housekeeping.js';
import { type ResolvedSqliteStoreOptions, resolveSqliteStoreOptions, type SqliteStoreOptions } from './options.js';
import { type EntryRow, prepare } from './statements.js';
import { type CommitLimits, type PendingWrite, WriteBatch } from './write-batch.js';

/** A hit records its access time only when the stored one is older than this (LRU at minute grain, hits write-free). */
const TOUCH_EVERY = 60_000;
/** Bytes charged per entry besides the value and the key text. */
const ROW_OVERHEAD = 64;
/** Every this many written rows, a commit also removes a few expired rows. */
const SWEEP_EVERY = 1000;
const SWEEP_LIMIT = 100;

interface Open extends Rows {
  readonly conn: Connection;
}

/**
 * The SQLite tier (and, with an inline limit of 0, the blob-file tier `fs`): one row per entry in
 * `cache.db`, values above the inline limit in content-named blob files. Synchronous (better-sqlite3),
 * so sync cached functions read it too. The database is opened on first use, inside a store call,
 * so that an unusable file is a tier fault the runtime reports and backs off from, never a throw
 * at start-up.
 */
export class SqliteStore implements Store {
  readonly name: string;
  readonly sync = true;
  readonly persistent = true;
  private readonly opts: ResolvedSqliteStoreOptions;
  private readonly limits: CommitLimits;
  private readonly blobs: BlobFiles | undefined;
  private readonly batch = new WriteBatch();
  /** This store's identity in lease rows. */
  private readonly owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private readonly warned = new Set<string>();
  private open: Open | undefined;
  private closed = false;
  private flushScheduled = false;
  /** A failure of work done in the background (group commit, gc), raised by the next call. */
  private fault: unknown;
  private writesSinceSweep = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: SqliteStoreOptions) {
    this.opts = resolveSqliteStoreOptions(options);
    this.name = this.opts.name;
    this.limits = { maxBytes: this.opts.maxBytes, evictPerWrite: 2 };
    this.blobs = this.opts.blobDir === undefined ? undefined : new BlobFiles(this.opts.blobDir);
  }

  get(key: EntryKey): StoredEntry | undefined {
    if (this.fault !== undefined) this.raise();
    if (this.batch.writes.size > 0) {
      const pending = this.batch.writes.get(key.hash);
      if (pending !== undefined) return pending.key.text === key.text ? pendingEntry(pending) : undefined;
    }
    const rows = this.rows();
    let row: EntryRow | undefined;
    try {
      row = rows.st.get.get(key.hash);
    } catch (error) {
      return this.recover(error, undefined);
    }
    if (row === undefined || row[0] !== key.text) return undefined;
    return this.readRow(rows, key, row);
  }

  set(key: EntryKey, entry: StoredEntry): void {
    if (this.fault !== undefined) this.raise();
    if (this.closed) throw this.closedError();
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

  /** Removes entries past their stale window, expired leases, and old orphaned or temporary blob files. */
  gc(): number {
    return this.transact(
      0,
      (rows) => {
        const now = this.opts.now();
        const sweep = rows.db.transaction(() => removeExpired(rows, now, 500));
        let removed = 0;
        for (let batch = sweep.immediate(); batch > 0; batch = sweep.immediate()) removed += batch;
        rows.st.leasesExpired.run(Date.now());
        return removed + removeOrphans(rows, Date.now() - this.opts.blobGrace);
      },
      false,
    );
  }

  functions(): StoreFunctionInfo[] {
    return this.transact([], (rows) => rows.st.functions.all(), false);
  }

  /** Commits pending writes now (normally done once per tick). */
  flush(): void {
    if (this.batch.empty) return;
    const rows = this.rows();
    try {
      this.writesSinceSweep += this.batch.commit(rows, this.limits);
      if (this.writesSinceSweep >= SWEEP_EVERY) {
        this.writesSinceSweep = 0;
        rows.db.transaction(() => removeExpired(rows, this.opts.now(), SWEEP_LIMIT)).immediate();
      }
    } catch (error) {
      this.recover(error, undefined);
    }
  }

  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      this.shutdown();
    }
    const fault = this.fault;
    this.fault = undefined;
    if (fault !== undefined) throw fault;
  }

  private readRow(rows: Open, key: EntryKey, row: EntryRow): StoredEntry | undefined {
    const [, codec, createdAt, expiresAt, staleUntil, accessedAt, inline, blob] = row;
    let value: unknown;
    try {
      const data: Encoded | null = blob === null ? inline : (rows.blobs?.read(blob) ?? null);
      if (data === null) throw new CachetCodecError('the entry holds no value');
      value = decodeValue(codec, data);
    } catch (error) {
      if (error instanceof BlobMissingError && blob !== null) {
        rows.st.deleteBlobRow.run(key.hash, blob);
        this.warnOnce('blob', `a blob file of ${key.fn} was missing or damaged; dropped the entry`, error);
        return undefined;
      }
      if (!isCachetError(error, CachetCodecError.code)) throw error;
      this.delete(key);
      this.warnOnce('decode', `an entry of ${key.fn} failed to decode; dropped it`, error);
      return undefined;
    }
    const now = this.opts.now();
    if (now - accessedAt >= TOUCH_EVERY) {
      this.batch.touches.set(key.hash, now);
      this.schedule();
    }
    return {
      value,
      codec: codec as PersistentCodec,
      createdAt,
      expiresAt: expiresAt ?? Number.POSITIVE_INFINITY,
      staleUntil: staleUntil ?? Number.POSITIVE_INFINITY,
    };
  }

  /**
   * Runs `work` on the open database, inside a `BEGIN IMMEDIATE` transaction unless `write` is
   * false, after committing pending writes. Corruption is repaired and answered with `fallback`;
   * every other fault is thrown, for the runtime's guard to report.
   */
  private transact<T>(fallback: T, work: (rows: Open) => T, write = true): T {
    if (this.fault !== undefined) this.raise();
    this.flush();
    const rows = this.rows();
    try {
      return write ? rows.db.transaction(() => work(rows)).immediate() : work(rows);
    } catch (error) {
      return this.recover(error, fallback);
    }
  }

  private rows(): Open {
    return this.open ?? this.connect();
  }

  private connect(): Open {
    if (this.closed) throw this.closedError();
    const conn = this.connectFresh();
    const open: Open = { conn, db: conn.db, st: prepare(conn.db), blobs: this.blobs };
    this.open = open;
    this.timer ??= setInterval(this.backgroundGc, this.opts.gcInterval).unref();
    process.on('exit', this.onExit);
    return open;
  }

  /** Connects; a file that is not a database (or is corrupt) is moved aside and a fresh one started. */
  private connectFresh(): Connection {
    const { file, busyTimeout, open } = this.opts;
    const inode = file === ':memory:' ? 0 : inodeOf(file);
    try {
      return connect({ file, busyTimeout, open });
    } catch (error) {
      if (!isCorruption(error) || inode <= 0) throw error;
      this.reportMovedAside(moveAside(file, inode, Date.now()), error);
      return connect({ file, busyTimeout, open });
    }
  }

  /** Answers a fault: corruption is repaired (the file moved aside, reopened on next use); anything else is thrown. */
  private recover<T>(error: unknown, fallback: T): T {
    const open = this.open;
    if (!isCorruption(error) || open === undefined || open.conn.inode === 0) throw error;
    this.shutdown();
    this.reportMovedAside(moveAside(this.opts.file, open.conn.inode, Date.now()), error);
    return fallback;
  }

  private reportMovedAside(aside: string | undefined, cause: unknown): void {
    const where = aside === undefined ? 'another process already replaced it' : `moved it to ${aside}`;
    this.opts.warn(`${this.opts.file} is not a usable SQLite database; ${where} and started a fresh one`, cause);
  }

  /** Closes the connection and stops background work (the store can reconnect unless closed). */
  private shutdown(): void {
    process.off('exit', this.onExit);
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const open = this.open;
    this.open = undefined;
    open?.db.close();
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushInBackground);
  }

  private readonly flushInBackground = (): void => {
    this.flushScheduled = false;
    if (this.closed) return;
    try {
      this.flush();
    } catch (error) {
      this.fault ??= error;
    }
  };

  private readonly backgroundGc = (): void => {
    try {
      // Another process may have moved a corrupt file aside: follow it to the fresh one.
      const open = this.open;
      if (open !== undefined && open.conn.inode !== 0 && inodeOf(this.opts.file) !== open.conn.inode) {
        this.shutdown();
        return;
      }
      this.gc();
    } catch (error) {
      this.fault ??= error;
    }
  };

  /** Pending writes are committed when the process exits normally. */
  private readonly onExit = (): void => {
    try {
      this.flush();
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
export function createSqliteStore(options: SqliteStoreOptions): Store {
  return new SqliteStore(options);
}

/** The built-in `sqlite` store, from the runtime's settings (`configure({ dir, sqlite })`). */
export function sqliteStoreFromSettings(settings: StoreSettings): Store {
  return new SqliteStore({ ...settings.sqlite, dir: settings.dir, now: settings.now, warn: settings.warn });
}
