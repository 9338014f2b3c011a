/**
 * The dashboard's time axis (serve/timeline.ts): for any amount of counted history, and for each
 * range, a readable number of whole buckets that cover it, the last one holding now.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BARS, MIN_SPAN, RANGES, type Range, timeline } from '../../packages/cli/dist/serve/timeline.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const now = Date.UTC(2026, 11, 6, 16, 47, 31, 250);

describe('timeline', () => {
  it('covers everything counted, from a minute to forty days, in at most MAX_BARS buckets', () => {
    for (const history of [0, MINUTE, 14 * MINUTE, 90 * MINUTE, DAY + 7, 7 * DAY, 30 * DAY, 40 * DAY]) {
      const first = now - history - ((now - history) % MINUTE);
      const { since, bucket, count } = timeline('all', now, first);
      expect(count).toBeLessThanOrEqual(MAX_BARS);
      expect(since % bucket).toBe(0);
      expect(since).toBeLessThanOrEqual(Math.min(first, now - MIN_SPAN));
      expect(since + count * bucket).toBeGreaterThan(now);
      expect(since + (count - 1) * bucket).toBeLessThanOrEqual(now);
      // Not needlessly coarse: at least the quarter hour in minutes, else over a fifth of MAX_BARS.
      expect(count).toBeGreaterThan(history <= 60 * MINUTE ? 14 : MAX_BARS / 5);
    }
  });

  it('shows a fixed range as its span in whole buckets', () => {
    const expected: Record<Range, [number, number] | undefined> = {
      all: undefined,
      '1h': [MINUTE, 60],
      '24h': [30 * MINUTE, 48],
      '7d': [3 * 60 * MINUTE, 56],
      '30d': [12 * 60 * MINUTE, 60],
    };
    for (const range of Object.keys(RANGES) as Range[]) {
      const want = expected[range];
      if (want === undefined) continue;
      const { bucket, count, since } = timeline(range, now, now - 40 * DAY);
      expect([bucket, count]).toEqual(want);
      expect(since + count * bucket).toBeGreaterThan(now);
    }
  });

  it('with nothing counted yet, shows a quarter hour in minutes', () => {
    expect(timeline('all', now, undefined)).toMatchObject({ bucket: MINUTE, count: 16 });
  });
});
