import type { Cache, EntryInfo } from '../cache.js';
import { type FunctionReport, functionReports, type Series, series, type Totals, totals } from '../report.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The dashboard's time ranges: how far back, in buckets of what size. */
export const RANGES = {
  '1h': { range: HOUR, bucket: MINUTE },
  '24h': { range: 24 * HOUR, bucket: 30 * MINUTE },
  '7d': { range: 7 * 24 * HOUR, bucket: 6 * HOUR },
} as const;

/** Entries whose ttl ends within this are listed as expiring. */
export const EXPIRING_WITHIN = HOUR;

/** Everything the dashboard page shows, in one answer. */
export interface Overview {
  readonly dir: string;
  readonly now: number;
  readonly range: keyof typeof RANGES;
  /** Entries and sizes now; counts over the range. */
  readonly functions: readonly FunctionReport[];
  readonly totals: Totals;
  readonly series: Series;
  /** Entries whose ttl ends within the hour, soonest first (at most 25). */
  readonly expiring: readonly EntryInfo[];
}

export function overview(cache: Cache, now: number, range: keyof typeof RANGES): Overview {
  const { store } = cache;
  const spec = RANGES[range];
  const functions = functionReports(store, now - spec.range);
  return {
    dir: cache.dir,
    now,
    range,
    functions,
    totals: totals(functions),
    series: series(store, now, spec.range, spec.bucket),
    expiring: store.entries({ expiringBefore: now + EXPIRING_WITHIN, expiringAfter: now, limit: 25 }),
  };
}
