import type { Cache, EntryInfo } from '../cache.js';
import { type FunctionReport, functionReports, type Series, series, type Totals, totals } from '../report.js';
import { RANGES, type Range, timeline } from './timeline.js';

/** Entries whose ttl ends within this are listed as expiring. */
export const EXPIRING_WITHIN = 3_600_000;

/** Everything the dashboard page shows, in one answer. */
export interface Overview {
  readonly dir: string;
  readonly now: number;
  readonly range: Range;
  /** The ranges the page offers, for its selector. */
  readonly ranges: readonly { readonly name: Range; readonly label: string }[];
  /** Entries and sizes now; counts over the chart's buckets. */
  readonly functions: readonly FunctionReport[];
  readonly totals: Totals;
  readonly series: Series;
  /** Entries whose ttl ends within the hour, soonest first (at most 25). */
  readonly expiring: readonly EntryInfo[];
}

export function overview(cache: Cache, now: number, range: Range): Overview {
  const { store } = cache;
  const first = Math.min(...store.statsTotals(0).map((t) => t.first));
  const { since, bucket, count } = timeline(range, now, Number.isFinite(first) ? first : undefined);
  const functions = functionReports(store, since);
  return {
    dir: cache.dir,
    now,
    range,
    ranges: Object.entries(RANGES).map(([name, { label }]) => ({ name: name as Range, label })),
    functions,
    totals: totals(functions),
    series: series(store, since, bucket, count),
    expiring: store.entries({ expiringBefore: now + EXPIRING_WITHIN, expiringAfter: now, limit: 25 }),
  };
}
