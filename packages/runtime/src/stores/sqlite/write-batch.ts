import type { Encoded } from '../../codec/codecs.js';
import { encodedBytes } from '../../codec/codecs.js';
import type { EntryKey, StatsSample, StoredEntry } from '../../store.js';
import type { StagedBlob } from '../blob/blob-files.js';
import type { ByteCount } from './byte-count.js';
import { evict, type Rows, releaseBlob } from './housekeeping.js';
import { addStats } from './stats-table.js';

/** One entry waiting for the next group commit, already encoded. */
export interface PendingWrite {
  readonly key: EntryKey;
  readonly entry: StoredEntry;
  readonly data: Encoded;
  /** Bytes counted against the size limit: the encoded value and the key text. */
  readonly size: number;
  /** True when the value goes to a blob file rather than into the row. */
  readonly spill: boolean;
  /** The store's clock when `set` was called: the entry's first access time. */
  readonly at: number;
}

/** What one commit is allowed to do besides writing. */
export interface CommitLimits {
  readonly maxBytes: number;
  /** Least recently used rows removed at most per commit, per written row. */
  readonly evictPerWrite: number;
}

/**
 * Writes, access-time updates and counter reports gathered over one tick, committed in a single
 * `BEGIN IMMEDIATE` transaction (group commit). Reads look here first, so a value is visible the
 * moment `set` returns. Blob files are written to temporaries before the transaction and renamed
 * into place inside it, before the row commits.
 */
export class WriteBatch {
  readonly writes: Map<bigint, PendingWrite> = new Map();
  readonly touches: Map<bigint, number> = new Map();
  stats: StatsSample[] = [];

  get empty(): boolean {
    return this.writes.size === 0 && this.touches.size === 0 && this.stats.length === 0;
  }

  /**
   * Commits everything pending and empties the batch (also when the commit fails: it is a cache).
   * `settle` writes this process's pending byte count too (at close and exit).
   */
  commit(rows: Rows, limits: CommitLimits, bytes: ByteCount, settle: boolean): number {
    if (this.empty && !settle) return 0;
    const writes = [...this.writes.values()];
    const touches = [...this.touches];
    const stats = this.stats;
    this.writes.clear();
    this.touches.clear();
    this.stats = [];
    const staged: (StagedBlob | undefined)[] = [];
    try {
      for (const write of writes) staged.push(write.spill ? rows.blobs?.stage(encodedBytes(write.data)) : undefined);
      const pending = rows.db.transaction(() => {
        let delta = 0;
        for (let i = 0; i < writes.length; i++) delta += writeRow(rows, writes[i] as PendingWrite, staged[i]);
        for (const [hash, at] of touches) rows.st.touch.run(at, hash);
        const budget = Math.max(64, limits.evictPerWrite * writes.length);
        evict(rows, limits.maxBytes, budget, () => bytes.total(rows, delta));
        addStats(rows.st, stats);
        // The counters report comes every 10 s: the byte count goes with it.
        return bytes.write(rows, delta, settle || stats.length > 0);
      });
      bytes.committed(pending);
    } catch (error) {
      for (const blob of staged) if (blob !== undefined) rows.blobs?.discard(blob);
      throw error;
    }
    return writes.length;
  }
}

/** Upserts one row; returns the bytes it adds to the total (its size less the one it replaced). */
function writeRow(rows: Rows, write: PendingWrite, staged: StagedBlob | undefined): number {
  const { key, entry } = write;
  const [previous, previousSize] = rows.st.previous.get(key.hash) ?? [undefined, 0];
  if (staged !== undefined) rows.blobs?.place(staged);
  rows.st.upsert.run(
    key.hash,
    key.text,
    key.fn,
    key.version,
    entry.codec,
    entry.createdAt,
    finite(entry.expiresAt),
    finite(entry.staleUntil),
    write.at,
    write.size,
    staged === undefined ? write.data : null,
    staged === undefined ? null : staged.name,
  );
  if (previous !== staged?.name) releaseBlob(rows, previous);
  return write.size - previousSize;
}

/** Forever is stored as NULL (a REAL column cannot be relied on to keep Infinity). */
function finite(time: number): number | null {
  return time === Number.POSITIVE_INFINITY ? null : time;
}
