import { resolve } from 'node:path';
import type { StatsCounts, StatsSample } from '../../store.js';
import type { SqliteDatabase } from './driver/driver.js';

/** One function's counts added up over a period (`cachet stats`). */
export interface StatsTotal extends StatsCounts {
  readonly fn: string;
  /** Start of the first and of the last minute that counted anything. */
  readonly first: number;
  readonly last: number;
}

/** One function's counts over one bucket of time (`at`: the bucket's start), for charts. */
export interface StatsPoint extends StatsCounts {
  readonly fn: string;
  readonly at: number;
}

const COUNTS = `SUM(hits) AS hits, SUM(misses) AS misses, SUM(stale_hits) AS staleHits,
  SUM(herd_joins) AS herdJoins, SUM(errors) AS errors`;

/**
 * Adds `samples` to the per-minute counters, in one small `BEGIN IMMEDIATE` transaction of its
 * own: it runs every few seconds and at process exit, where nothing may be left pending.
 */
export function addStats(db: SqliteDatabase, samples: readonly StatsSample[]): void {
  const upsert = db.prepare(
    `INSERT INTO stats (fn, minute, hits, misses, stale_hits, herd_joins, errors) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (fn, minute) DO UPDATE SET hits = hits + excluded.hits, misses = misses + excluded.misses,
       stale_hits = stale_hits + excluded.stale_hits, herd_joins = herd_joins + excluded.herd_joins,
       errors = errors + excluded.errors`,
  );
  db.transaction(() => {
    for (const s of samples) upsert.run(s.fn, s.at, s.hits, s.misses, s.staleHits, s.herdJoins, s.errors);
  });
}

/** Each function's counts from minute `since` on, by function name. */
export function statsTotals(db: SqliteDatabase, since: number): StatsTotal[] {
  return db
    .prepare<[number], StatsTotal>(
      `SELECT fn, ${COUNTS}, MIN(minute) AS first, MAX(minute) AS last
       FROM stats WHERE minute >= ? GROUP BY fn ORDER BY fn`,
    )
    .all(since);
}

/** Each function's counts from `since` on, added up per `bucket` ms, oldest first. */
export function statsSeries(db: SqliteDatabase, since: number, bucket: number): StatsPoint[] {
  return db
    .prepare<[number, number, number], StatsPoint>(
      `SELECT fn, CAST(minute / ? AS INTEGER) * ? AS at, ${COUNTS}
       FROM stats WHERE minute >= ? GROUP BY fn, at ORDER BY at, fn`,
    )
    .all(bucket, bucket, since);
}

/** Removes counters of minutes before `before`; returns how many rows went. */
export function removeStatsBefore(db: SqliteDatabase, before: number): number {
  return db.prepare('DELETE FROM stats WHERE minute < ?').run(before).changes;
}

/** Reports already counted, per database file (weakly held: a report is dropped once sent). */
const counted = new WeakMap<readonly StatsSample[], Set<string>>();

/** True the first time `samples` reach the database `file` (always for a private `:memory:` one). */
export function claimReport(samples: readonly StatsSample[], file: string): boolean {
  if (file === ':memory:') return true;
  const path = resolve(file);
  let files = counted.get(samples);
  if (files === undefined) counted.set(samples, (files = new Set()));
  if (files.has(path)) return false;
  files.add(path);
  return true;
}
