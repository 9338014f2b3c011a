/**
 * A freed memory slot taken by another function's entry: the slot tier keeps what few entries
 * have (an async entry's settled value, a stale-while-revalidate window, a hash that is not a
 * 32-bit integer) in side maps by slot, and must forget them when the slot is freed. Mutation
 * testing left each "forgets it" alive; each would make the next entry in that slot answer with
 * a value it should not: the old function's value, a value past its ttl, or a value `invalidate()`
 * should have dropped. An entry of another function stays alive throughout, so the tier never
 * empties (emptying resets every map at once).
 */
import { describe, expect, it } from 'vitest';
import { cached, clear, configure, invalidate, peek } from '../src/index.js';
import type { KeyEncoder } from '../src/key/encoder.js';
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

  it('forgets the stale window of the entry before: an entry without one expires at its ttl', async () => {
    const keep = cached((n: number) => n, { id: 'reuse-keep-1' });
    keep(0);
    const windowed = cached(async (n: number) => n, { id: 'reuse-windowed', ttl: '1s', swr: '1h' });
    let runs = 0;
    const exact = cached(async (n: number) => `run ${++runs} of ${n}`, { id: 'reuse-exact', ttl: '1s' });
    await windowed(1);
    await invalidate(windowed, 1); // frees its slot, which held a stale window
    expect(await exact(1)).toBe('run 1 of 1'); // takes the free slot
    clock.advance(2000);
    expect(await exact(1)).toBe('run 2 of 1'); // expired, and no window: computed again
  });

  it('forgets the wide hash of the entry before: invalidate() finds the entry that took the slot', async () => {
    const keep = cached((n: number) => n, { id: 'reuse-keep-2' });
    keep(0);
    /** An encoder of one number whose hash is `hash(n)`: a string is wide, a small integer is not. */
    const encoder = (hash: (n: number) => unknown): KeyEncoder => ({
      text: (args) => String(args[0]),
      hash: (args) => hash(args[0] as number),
      snapshot: (args) => args[0],
      equals: (snapshot, args) => snapshot === args[0],
    });
    const wide = cached((n: number) => n, { id: 'reuse-wide', key: encoder((n) => `h${n}`) });
    let runs = 0;
    const narrow = cached((n: number) => `run ${++runs} of ${n}`, { id: 'reuse-narrow', key: encoder((n) => n) });
    wide(1);
    await invalidate(wide, 1); // frees its slot, which held a wide hash
    expect(narrow(5)).toBe('run 1 of 5'); // takes the free slot
    await invalidate(narrow, 5);
    expect(narrow(5)).toBe('run 2 of 5');
  });
});

describe('a memory table id', () => {
  it('is not handed out by clearing a function that holds no entry: invalidate() still drops the next entry', async () => {
    const keep = cached((n: number) => n, { id: 'id-keep' });
    keep(0);
    const unused = cached((n: number) => n, { id: 'id-unused' });
    await clear(unused); // its table has no id to give back
    await clear(unused);
    let runs = 0;
    const next = cached((n: number) => `run ${++runs} of ${n}`, { id: 'id-next' });
    expect(next(1)).toBe('run 1 of 1');
    await invalidate(next, 1);
    expect(next(1)).toBe('run 2 of 1');
  });

  it('taken again after the tier grew reads the grown columns: a hit answers with its own value', async () => {
    let runs = 0;
    const f = cached((n: number) => `f ${n} run ${++runs}`, { id: 'id-regrown' });
    expect(f(1)).toBe('f 1 run 1');
    await invalidate(f, 1); // its table empties and gives its id back
    const g = cached((n: number) => `g ${n}`, { id: 'id-grower' });
    for (let i = 0; i < 100; i++) g(i); // the tier's columns grow, handed only to tables that hold entries
    expect(f(1)).toBe('f 1 run 2'); // a miss: the table takes an id again
    expect(f(1)).toBe('f 1 run 2'); // a hit, read through the columns the table was handed
    expect(f(2)).toBe('f 2 run 3');
    expect(f(2)).toBe('f 2 run 3');
  });
});
