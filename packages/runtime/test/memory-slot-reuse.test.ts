/**
 * A freed memory slot taken by another function's entry: the slot tier keeps an async entry's
 * settled value in a side map by slot, and must forget it when the slot is freed. Mutation testing
 * left "forgets it" alive: the next entry in that slot answered `peek` with the old function's
 * value.
 */
import { describe, expect, it } from 'vitest';
import { cached, configure, invalidate, peek } from '../src/index.js';
import { manualClock } from './helpers.js';

const clock = manualClock();
configure({ now: clock.now, defaults: { storage: 'memory' } });

describe('a memory slot freed and reused by another function', () => {
  it("answers with the new entry's value, not the settled value of the async entry before it", async () => {
    const before = cached(async (n: number) => `async ${n}`, { id: 'reuse-async' });
    const after = cached((n: number) => `sync ${n}`, { id: 'reuse-sync' });
    expect(await before(1)).toBe('async 1');
    invalidate(before, 1); // frees its slot
    expect(after(1)).toBe('sync 1'); // takes the free slot
    expect(peek(after, 1)).toBe('sync 1');
    expect(after(1)).toBe('sync 1');
  });
});
