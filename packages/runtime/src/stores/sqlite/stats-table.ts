import { resolve } from 'node:path';
import type { StatsCounts, StatsSample } from '../../store.js';
import type { SqliteDatabase } from './driver/driver.js';
import type { Statements } from './statements.js';

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

/** Adds `samples` to the per-minute counters; runs inside the group commit's transaction. */
export function addStats(st: Statements, samples: readonly StatsSample[]): void {
  for (const s of samples) st.addStats.run(s.fn, s.at, s.hits, s.misses, s.staleHits, s.herdJoins, s.errors);
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
