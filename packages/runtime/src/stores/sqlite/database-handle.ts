import { CachetStoreError } from '../../errors.js';
import type { BlobFiles } from '../blob/blob-files.js';
import { type Connection, connect, inodeOf, isCorruption, moveAside } from './connection.js';
import type { Rows } from './housekeeping.js';
import type { ResolvedSqliteStoreOptions } from './options.js';
import { SharedReads } from './shared-reads.js';
import { prepare } from './statements.js';

/** An open connection with its prepared statements. */
export interface Open extends Rows {
  readonly conn: Connection;
  /** The connection, its reads in a burst sharing one read transaction. */
  readonly db: SharedReads;
}

/** What runs while a connection is open: the exit hook and the background timer. */
export interface HandleHooks {
  readonly onExit: () => void;
  readonly onTimer: () => void;
}

/**
 * A store's connection: opened on first use (inside a store call, so that an unusable file is a
 * fault the runtime reports, not a throw at start-up), moved aside and started afresh when the
 * file is corrupt, and closed with its exit hook and timer.
 */
export class DatabaseHandle {
  private current: Open | undefined;
  private timer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    private readonly opts: ResolvedSqliteStoreOptions,
    private readonly blobs: BlobFiles | undefined,
    private readonly hooks: HandleHooks,
  ) {}

  /** True while a connection is open (and its exit hook registered). */
  get open(): boolean {
    return this.current !== undefined;
  }

  /** The open connection, opening it if needed. Throws what opening throws. */
  rows(): Open {
    return this.current ?? this.connect();
  }

  /** Answers a fault: corruption is repaired (the file moved aside, reopened on next use); anything else is thrown. */
  recover<T>(error: unknown, fallback: T): T {
    const open = this.current;
    if (!isCorruption(error) || open === undefined || open.conn.inode === 0) throw error;
    this.shutdown();
    this.reportMovedAside(moveAside(this.opts.file, open.conn.inode, Date.now()), error);
    return fallback;
  }

  /** True (and the connection closed) when another process moved the file aside since we opened it. */
  followMove(): boolean {
    const open = this.current;
    if (open === undefined || open.conn.inode === 0 || inodeOf(this.opts.file) === open.conn.inode) return false;
    this.shutdown();
    return true;
  }

  /** Closes the connection and stops background work (it reopens on next use unless `closed`). */
  shutdown(): void {
    process.off('exit', this.hooks.onExit);
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const open = this.current;
    this.current = undefined;
    open?.db.close();
  }

  private connect(): Open {
    if (this.closed) throw new CachetStoreError(`the ${this.opts.name} store is closed`);
    const conn = this.connectFresh();
    const db = new SharedReads(conn.db);
    const open: Open = { conn, db, st: prepare(db), blobs: this.blobs };
    this.current = open;
    this.timer ??= setInterval(this.hooks.onTimer, this.opts.gcInterval).unref();
    process.on('exit', this.hooks.onExit);
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

  private reportMovedAside(aside: string | undefined, cause: unknown): void {
    const where = aside === undefined ? 'another process already replaced it' : `moved it to ${aside}`;
    this.opts.warn(`${this.opts.file} is not a usable SQLite database; ${where} and started a fresh one`, cause);
  }
}
