import type { Rows } from './housekeeping.js';

/** Pending bytes are written once they reach this share of the size limit... */
const SHARE_OF_LIMIT = 0.01;
/** ...or this many bytes, whichever is less. */
const MOST_PENDING = 1024 * 1024;

/**
 * This process's part of `meta.bytes` (the SQLite tier's total of `size`) that it has not written
 * yet. A delete trigger subtracts what any statement removes; what a commit adds is counted here
 * and written to `meta` only when it reaches 1% of the size limit (at most 1 MiB), with the
 * counters report (every 10 s) and when the store closes or the process exits. A single-row
 * commit so writes the row and its index entries, not also the counter's page. This process
 * checks the limit against the total plus what it holds back; another process sees it late by at
 * most that much, and a crash loses at most that much of the count (`gc` recounts).
 */
export class ByteCount {
  /** Bytes committed by this process and not yet added to `meta.bytes`. */
  private unwritten = 0;
  private readonly threshold: number;

  constructor(maxBytes: number) {
    this.threshold = Math.min(MOST_PENDING, maxBytes * SHARE_OF_LIMIT);
  }

  /** True while some committed bytes are not in `meta.bytes` yet. */
  get unsettled(): boolean {
    return this.unwritten !== 0;
  }

  /**
   * Sets `meta.bytes` to the sum of every row's size, dropping what this process held back (it is
   * in the sum). Reads the whole table: for `gc`, not for commits. Another process's pending
   * bytes are added once more when it writes them, an over-count the next recount corrects.
   */
  recount(rows: Rows): void {
    rows.db.exec("UPDATE meta SET value = (SELECT COALESCE(SUM(size), 0) FROM entries) WHERE name = 'bytes'");
    this.unwritten = 0;
  }

  /** The total as this process sees it, given `delta` bytes this transaction adds. */
  total(rows: Rows, delta: number): number {
    return (rows.st.bytes.get() ?? 0) + this.unwritten + delta;
  }

  /**
   * Inside a commit that adds `delta` bytes: writes the pending count when it is due (or when
   * `settle`), and returns what stays pending once the transaction commits (`committed`).
   */
  write(rows: Rows, delta: number, settle: boolean): number {
    const pending = this.unwritten + delta;
    if (pending === 0 || (!settle && Math.abs(pending) < this.threshold)) return pending;
    rows.st.addBytes.run(pending);
    return 0;
  }

  /** After the transaction committed: what `write` returned is pending now. */
  committed(pending: number): void {
    this.unwritten = pending;
  }
}
