import { describe, expect, it } from 'vitest';
import { cached, close, configure, createMemoryStore } from '../src/index.js';
import type { StatsSample, Store } from '../src/store-kit.js';
import { manualClock } from './helpers.js';

const clock = manualClock(10 * 60_000 + 5_000);
configure({ now: clock.now });

function recordingStore(): Store & { samples: StatsSample[] } {
  const inner = createMemoryStore({ name: 'stats-data' });
  const samples: StatsSample[] = [];
  return Object.assign(Object.create(inner) as Store, {
    name: 'stats',
    samples,
    recordStats: (batch: readonly StatsSample[]) => void samples.push(...batch),
  });
}

describe('stats for tools that read the cache from outside', () => {
  it('reports each function’s counts since the last report, stamped with the minute', async () => {
    const store = recordingStore();
    configure({ stores: { counted: ['memory', store] } });
    const f = cached(async (n: number) => n, { id: 'reported', storage: 'counted' });
    await f(1);
    await f(1);
    await f(2);
    await close();
    expect(store.samples).toEqual([
      { fn: 'reported', at: 10 * 60_000, hits: 1, misses: 2, staleHits: 0, herdJoins: 0, errors: 0 },
    ]);
    clock.advance(60_000);
    await f(1);
    await close();
    expect(store.samples[1]).toEqual({
      fn: 'reported',
      at: 11 * 60_000,
      hits: 1,
      misses: 0,
      staleHits: 0,
      herdJoins: 0,
      errors: 0,
    });
    await close();
    expect(store.samples).toHaveLength(2); // nothing new, nothing sent
  });
});
