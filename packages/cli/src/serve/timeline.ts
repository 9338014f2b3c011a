/**
 * The dashboard's time axis: which stretch of time a chart covers, and in buckets of what size,
 * so that one minute of counts and a month of them both make a chart of a readable number of bars.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Bucket sizes a chart may use, smallest first: the counters' grain is a minute. */
const BUCKETS: readonly number[] = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  30 * DAY,
];

/**
 * A chart has at most this many bars (sixty, and a part-filled bucket at each end); the smallest
 * bucket that keeps within it is used.
 */
export const MAX_BARS = 62;

/** "Everything kept" spans at least this, so a minute of counts is one bar of many, not the whole width. */
export const MIN_SPAN: number = 15 * MINUTE;

/** A range the dashboard offers. */
export type Range = 'all' | '1h' | '24h' | '7d' | '30d';

/** The ranges the dashboard offers: `all` is everything counted, from the first counted minute. */
export const RANGES: { readonly [R in Range]: { readonly label: string; readonly span: number | undefined } } = {
  all: { label: 'everything kept', span: undefined },
  '1h': { label: 'last hour', span: HOUR },
  '24h': { label: 'last 24 hours', span: DAY },
  '7d': { label: 'last 7 days', span: 7 * DAY },
  '30d': { label: 'last 30 days', span: 30 * DAY },
};

export function isRange(name: string): name is Range {
  return Object.hasOwn(RANGES, name);
}

/** The buckets a chart shows: `count` of `bucket` ms from `since`, the last one holding `now`. */
export interface Timeline {
  readonly since: number;
  readonly bucket: number;
  readonly count: number;
}

/**
 * The buckets for `range` at `now`. A fixed range is its span in whole buckets ending with the
 * current one; `all` runs from the bucket of `first` (the first counted minute) to the current one.
 */
export function timeline(range: Range, now: number, first: number | undefined): Timeline {
  const fixed = RANGES[range].span;
  const start = fixed === undefined ? Math.min(first ?? now, now - MIN_SPAN) : undefined;
  const count = (bucket: number): number =>
    start === undefined
      ? Math.ceil((fixed as number) / bucket)
      : Math.floor(now / bucket) - Math.floor(start / bucket) + 1;
  const bucket = BUCKETS.find((size) => count(size) <= MAX_BARS) ?? (BUCKETS.at(-1) as number);
  const n = count(bucket);
  return { since: Math.floor(now / bucket) * bucket - (n - 1) * bucket, bucket, count: n };
}
