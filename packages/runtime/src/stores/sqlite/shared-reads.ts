import type { SqliteDatabase, SqliteStatement, StatementShape } from './driver/driver.js';

/**
 * How long (ms) reads may share one read transaction while the event loop does not turn (a long
 * synchronous loop of hits): the longest a read can miss a write another connection committed.
 */
export const SHARED_READ_SPAN = 20;

/** A statement that only reads: it runs inside a shared read transaction. */
const READ_ONLY = /^\s*SELECT\b/i;

/**
 * A connection whose reads, when they come in a burst, share one read transaction. Each read
 * outside a transaction takes and drops SQLite's shared lock on the write-ahead log (system calls
 * on the `-shm` file) and checks the log for new frames: about two thirds of a 1 KB hit's time in
 * the store. The first read of an event-loop turn runs on its own, as before (a server answering
 * one request per turn pays nothing more than a scheduled check); a second read in the same turn
 * opens a deferred transaction that the reads after it share, until the event loop turns or
 * `SHARED_READ_SPAN` ms pass. Anything that writes (a write statement, `exec`, `pragma`,
 * `transaction`, `close`) ends it first, so this connection always reads its own writes, and a
 * write never runs inside it. Other connections' writes are seen at the next turn (or span), as
 * if the burst had read a moment earlier; a read transaction blocks no writer, and one this short
 * no checkpoint for long.
 */
export class SharedReads implements SqliteDatabase {
  readonly file: string;
  readonly driver: SqliteDatabase['driver'];
  readonly readsNul: boolean;
  private readonly begin: SqliteStatement;
  private readonly commit: SqliteStatement;
  /** When the open read transaction began (ms); -1 when none is open. */
  private since = -1;
  /** A read was made in this event-loop turn (the turn's end is scheduled). */
  private readThisTurn = false;

  constructor(private readonly inner: SqliteDatabase) {
    this.file = inner.file;
    this.driver = inner.driver;
    this.readsNul = inner.readsNul;
    this.begin = inner.prepare('BEGIN DEFERRED');
    this.commit = inner.prepare('COMMIT');
  }

  /** Call before each read at `now` (ms): opens the shared read transaction when reads come in a burst. */
  reading(now: number): void {
    if (this.since >= 0) {
      if (now - this.since < SHARED_READ_SPAN && now >= this.since) return;
      this.endRead();
    } else if (!this.readThisTurn) {
      this.readThisTurn = true;
      setImmediate(this.onTurn);
      return;
    }
    this.begin.run();
    this.since = now;
  }

  /** Ends the shared read transaction, if one is open. */
  endRead(): void {
    if (this.since < 0) return;
    this.since = -1;
    this.commit.run();
  }

  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string, shape?: StatementShape): SqliteStatement<P, R> {
    const statement = this.inner.prepare<P, R>(sql, shape);
    if (READ_ONLY.test(sql)) return statement;
    return {
      run: (...params) => {
        this.endRead();
        return statement.run(...params);
      },
      get: (...params) => {
        this.endRead();
        return statement.get(...params);
      },
      all: (...params) => {
        this.endRead();
        return statement.all(...params);
      },
    };
  }

  exec(sql: string): void {
    this.endRead();
    this.inner.exec(sql);
  }

  pragma(sql: string): unknown {
    this.endRead();
    return this.inner.pragma(sql);
  }

  transaction<T>(work: () => T): T {
    this.endRead();
    return this.inner.transaction(work);
  }

  close(): void {
    this.since = -1; // closing ends it
    this.inner.close();
  }

  private readonly onTurn = (): void => {
    this.readThisTurn = false;
    try {
      this.endRead();
    } catch {
      // A read-only transaction holds nothing to lose; a connection SQLite has closed under it
      // reports its fault at the next call.
    }
  };
}
