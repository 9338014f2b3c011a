/**
 * Entries of superseded versions. A version is part of every key, so once a function's version
 * changes (`version=2`, or `version=auto` after an edit) the entries of the old one are never read
 * again. A function's current version is the version of its most recently used entry (written or
 * read: reads are recorded at most once a minute per entry; all such versions on a tie), so going
 * back to an earlier version keeps that version's entries. `cachet gc` removes the entries of the
 * other versions. Running processes leave
 * them to the size limit and their ttl, so that two versions serving side by side (a rolling
 * deploy) do not remove each other's entries.
 */

import type { SqliteDatabase } from './driver/driver.js';
import { type Rows, releaseBlob } from './housekeeping.js';
import type { OnProgress } from './inspect.js';

/** One superseded version of a function, and when its function's most recently used entry was used. */
interface Superseded {
  readonly fn: string;
  readonly version: string;
  readonly newest: number;
}

/** Every version of every function that is not the function's current one. */
export function supersededVersions(db: SqliteDatabase): Superseded[] {
  const rows = db
    .prepare<[], { fn: string; version: string; newest: number }>(
      'SELECT fn, version, MAX(accessed_at) AS newest FROM entries GROUP BY fn, version',
    )
    .all();
  const newest = new Map<string, number>();
  for (const row of rows) newest.set(row.fn, Math.max(newest.get(row.fn) ?? -Infinity, row.newest));
  return rows
    .filter((row) => row.newest < (newest.get(row.fn) as number))
    .map((row) => ({ fn: row.fn, version: row.version, newest: newest.get(row.fn) as number }));
}

/**
 * Removes the entries of superseded versions in write transactions of `batch` rows, releasing
 * their blob files; returns how many went. Only rows last used no later than the function's most
 * recently used entry when the versions were read are removed: what another process writes or
 * reads meanwhile waits for the next run.
 */
export function removeSuperseded(rows: Rows, onProgress?: OnProgress, batch = 500): number {
  const superseded = supersededVersions(rows.db);
  const filter = 'fn = ? AND version = ? AND accessed_at <= ?';
  const count = rows.db.prepare<[string, string, number], number>(`SELECT COUNT(*) FROM entries WHERE ${filter}`, {
    pluck: true,
  });
  const select = rows.db.prepare<[string, string, number, number], { hash: bigint; blob: string | null }>(
    `SELECT hash, blob FROM entries WHERE ${filter} LIMIT ?`,
    { bigints: true },
  );
  const remove = rows.db.prepare<[bigint, string, string, number]>(`DELETE FROM entries WHERE hash = ? AND ${filter}`);
  const total = superseded.reduce((sum, s) => sum + (count.get(s.fn, s.version, s.newest) as number), 0);
  let done = 0;
  onProgress?.({ phase: 'versions', done, total });
  for (const { fn, version, newest } of superseded) {
    const step = (): number =>
      rows.db.transaction(() => {
        let removed = 0;
        for (const row of select.all(fn, version, newest, batch)) {
          if (remove.run(row.hash, fn, version, newest).changes === 0) continue;
          releaseBlob(rows, row.blob);
          removed++;
        }
        return removed;
      });
    for (let removed = step(); removed > 0; removed = step()) {
      done += removed;
      onProgress?.({ phase: 'versions', done, total: Math.max(total, done) });
    }
  }
  return done;
}
