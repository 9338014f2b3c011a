/**
 * A function that ran once for 200 concurrent callers has a hit rate of 0 %, yet caching served
 * 199 of its 200 calls: `cachet stats` shows both, so the saving is not hidden.
 */
import { join } from 'node:path';
import { createSqliteStore } from '@cachet/runtime/admin';
import type { StatsSample, SyncStore } from '@cachet/runtime/store';
import { afterAll, describe, expect, it } from 'vitest';
import { cachet, cachetJson, removeTemps, tempDir } from './helpers.js';

afterAll(removeTemps);

describe('calls served without running', () => {
  it('counts herd joins as served, beside the hit rate', async () => {
    const dir = join(tempDir(), 'cache');
    const store = createSqliteStore({ dir }) as SyncStore & { recordStats(s: readonly StatsSample[]): void };
    const minute = Date.now() - (Date.now() % 60_000);
    store.recordStats([
      { fn: 'herded', at: minute, hits: 0, misses: 1, staleHits: 0, herdJoins: 199, errors: 0 },
      { fn: 'warm', at: minute, hits: 3, misses: 1, staleHits: 0, herdJoins: 0, errors: 0 },
    ]);
    store.close();
    const report = await cachetJson<{
      functions: { fn: string; hitRate: number; servedRate: number }[];
      totals: { servedRate: number };
    }>(['stats', '--dir', dir]);
    expect(report.functions).toEqual([
      expect.objectContaining({ fn: 'herded', hitRate: 0, servedRate: 199 / 200 }),
      expect.objectContaining({ fn: 'warm', hitRate: 3 / 4, servedRate: 3 / 4 }),
    ]);
    expect(report.totals.servedRate).toBeCloseTo(202 / 204);
    const text = await cachet(['stats', '--dir', dir]);
    expect(text.stdout).toMatch(/SERVED W\/O RUN/);
    expect(text.stdout).toMatch(/herded\b.*\b0\.0 ?%.*99\.5 ?%/);
  });
});
