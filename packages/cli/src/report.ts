import type { SqliteStore } from '@cachet/runtime/admin';
import type { Counts, FunctionSummary, StatsPoint, StatsTotal } from './cache.js';

/** One function as `cachet stats` and the dashboard show it: what is stored, and how calls went. */
export interface FunctionReport extends Counts, Omit<FunctionSummary, 'lastAccess'> {
  /** Last read of any entry (ms), or null without entries. */
  readonly lastAccess: number | null;
  /** Fresh and stale hits over all calls counted (herd joins included); null when none were. */
  readonly hitRate: number | null;
  /** Calls served without running the function (hits, stale hits, herd joins) over all calls. */
  readonly servedRate: number | null;
}

/** One function's row in `cachet stats`: entries and size on disk beside its counters. */
export interface Totals extends Counts {
  readonly functions: number;
  readonly entries: number;
  readonly bytes: number;
  readonly hitRate: number | null;
  readonly servedRate: number | null;
}

const noCounts: Counts = { hits: 0, misses: 0, staleHits: 0, herdJoins: 0, errors: 0 };

/**
 * (hits + stale hits) / calls, or null when nothing was counted. Calls are hits, stale hits,
 * misses (runs of the function) and herd joins (calls that waited for a run already going).
 */
export function hitRate(c: Counts): number | null {
  const calls = callCount(c);
  return calls === 0 ? null : (c.hits + c.staleHits) / calls;
}

/**
 * (hits + stale hits + herd joins) / calls: what caching saved. A function that ran once for 200
 * concurrent callers has a hit rate of 0 and serves 199 of 200 calls without running.
 */
export function servedRate(c: Counts): number | null {
  const calls = callCount(c);
  return calls === 0 ? null : (c.hits + c.staleHits + c.herdJoins) / calls;
}

function callCount(c: Counts): number {
  return c.hits + c.staleHits + c.misses + c.herdJoins;
}

/** Every function with entries or counts since `since`, by name. */
export function functionReports(store: SqliteStore, since: number): FunctionReport[] {
  const stored = new Map<string, FunctionSummary>(store.summary().map((s) => [s.fn, s]));
  const counted = new Map<string, StatsTotal>(store.statsTotals(since).map((t) => [t.fn, t]));
  const names = [...new Set([...stored.keys(), ...counted.keys()])].sort();
  return names.map((fn) => {
    const s = stored.get(fn);
    const t = counted.get(fn);
    const counts: Counts = t === undefined ? noCounts : pickCounts(t);
    return {
      fn,
      entries: s?.entries ?? 0,
      bytes: s?.bytes ?? 0,
      versions: s?.versions ?? [],
      blobs: s?.blobs ?? 0,
      expired: s?.expired ?? 0,
      lastAccess: s?.lastAccess ?? null,
      ...counts,
      hitRate: hitRate(counts),
      servedRate: servedRate(counts),
    };
  });
}

export function totals(reports: readonly FunctionReport[]): Totals {
  const sum = { ...noCounts, functions: reports.length, entries: 0, bytes: 0 };
  for (const r of reports) {
    sum.entries += r.entries;
    sum.bytes += r.bytes;
    sum.hits += r.hits;
    sum.misses += r.misses;
    sum.staleHits += r.staleHits;
    sum.herdJoins += r.herdJoins;
    sum.errors += r.errors;
  }
  return { ...sum, hitRate: hitRate(sum), servedRate: servedRate(sum) };
}

/** A time series: one point per bucket from `since` to now, empty buckets included. */
export interface Series {
  readonly since: number;
  readonly bucket: number;
  /** Bucket starts, oldest first. */
  readonly at: readonly number[];
  /** All functions together, one per bucket. */
  readonly total: readonly Counts[];
  /** Per function, one per bucket. */
  readonly byFn: Readonly<Record<string, readonly Counts[]>>;
}

/** Counts per bucket of `bucket` ms, `count` buckets from `since` (a bucket's start). */
export function series(store: SqliteStore, since: number, bucket: number, count: number): Series {
  const at = Array.from({ length: count }, (_, i) => since + i * bucket);
  const index = new Map(at.map((t, i) => [t, i]));
  const total = at.map(() => ({ ...noCounts }));
  const byFn: Record<string, Counts[]> = {};
  for (const point of store.statsSeries(since, bucket)) {
    const i = index.get(point.at);
    if (i === undefined) continue;
    const row = (byFn[point.fn] ??= at.map(() => ({ ...noCounts })));
    row[i] = pickCounts(point);
    addTo(total[i] as Counts & Record<string, number>, point);
  }
  return { since, bucket, at, total, byFn };
}

function pickCounts(c: Counts | StatsPoint | StatsTotal): Counts {
  return { hits: c.hits, misses: c.misses, staleHits: c.staleHits, herdJoins: c.herdJoins, errors: c.errors };
}

function addTo(sum: { -readonly [K in keyof Counts]: number }, c: Counts): void {
  sum.hits += c.hits;
  sum.misses += c.misses;
  sum.staleHits += c.staleHits;
  sum.herdJoins += c.herdJoins;
  sum.errors += c.errors;
}
