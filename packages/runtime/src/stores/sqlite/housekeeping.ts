import type { BlobFiles } from '../blob/blob-files.js';
import type { SqliteDatabase } from './driver/driver.js';
import type { OnProgress } from './inspect.js';
import type { Statements } from './statements.js';

/** What removing rows needs: the statements, and the blob directory when there is one. */
export interface Rows {
  readonly db: SqliteDatabase;
  readonly st: Statements;
  readonly blobs: BlobFiles | undefined;
}

/**
 * Deletes blob `name` unless an entry still refers to it (files of earlier versions, named by content, may be shared). Must run
 * inside the write transaction that deleted or replaced the row: holding the write lock, no
 * other process can place the same file and commit a row for it between the check and the
 * unlink. The row goes first, its file after, so a crash in between leaves a row whose file is
 * missing, which reads as a miss and is repaired, never a wrong value.
 */
export function releaseBlob(rows: Rows, name: string | null | undefined): void {
  if (name === null || name === undefined || rows.blobs === undefined) return;
  if (rows.st.blobUsed.get(name) === undefined) rows.blobs.remove(name);
}

/**
 * Keeps SQLite rows and blob files under `maxBytes`: when over, removes least recently used
 * entries down to 90% of it, at most `budget` rows per call (bounded work per write; the next
 * write goes on where this one stopped). `total` reads the current total (removals lower it).
 * Runs inside the write transaction.
 */
export function evict(rows: Rows, maxBytes: number, budget: number, total: () => number): number {
  let bytes = total();
  if (bytes <= maxBytes) return 0;
  const target = maxBytes * 0.9;
  let removed = 0;
  for (const victim of rows.st.leastRecent.all(budget)) {
    const gone = rows.st.deleteHash.get(victim.hash);
    if (gone === undefined) continue;
    releaseBlob(rows, gone.blob);
    removed++;
    bytes = total();
    if (bytes <= target) break;
  }
  return removed;
}

/**
 * Removes up to `limit` entries whose stale window ended before `now`. Runs inside the write
 * transaction; the stale-until index makes this a range scan, not a table scan.
 */
export function removeExpired(rows: Rows, now: number, limit: number): number {
  let removed = 0;
  for (const row of rows.st.expired.all(now, limit)) {
    if (rows.st.deleteExpired.run(row.hash, now).changes === 0) continue;
    releaseBlob(rows, row.blob);
    removed++;
  }
  return removed;
}

/**
 * Removes blob files no entry refers to and temporaries left by crashed writers, both only when
 * older than `before` (wall-clock ms): a file that young may belong to a write about to commit.
 * The reference check and the unlink of each batch run under the write lock.
 */
export function removeOrphans(rows: Rows, before: number, onProgress?: OnProgress): number {
  const blobs = rows.blobs;
  if (blobs === undefined) return 0;
  const { old, staleTemps } = blobs.list(before);
  let removed = 0;
  for (let i = 0; i < old.length; i += 256) {
    onProgress?.({ phase: 'orphans', done: i, total: old.length });
    const batch = old.slice(i, i + 256);
    rows.db.transaction(() => {
      for (const name of batch) {
        if (rows.st.blobUsed.get(name) !== undefined) continue;
        blobs.remove(name);
        removed++;
      }
    });
  }
  for (const temp of staleTemps) {
    blobs.removeTemp(temp);
    removed++;
  }
  onProgress?.({ phase: 'orphans', done: old.length, total: old.length });
  return removed;
}
