/**
 * Every path that decides whether an entry is fresh, at the exact edge of its ttl: the positional
 * entries compiled code calls (`call1`..`call3`), and `peek` on a store below memory. Mutants that
 * served an expired entry on these paths, or never read the store in `peek`, survived the others.
 */
import { describe, expect, it } from 'vitest';
import { configure, createMemoryStore } from '../src/index.js';
import { define, type KeyEncoder } from '../src/internal.js';
import { manualClock } from './helpers.js';

const clock = manualClock();
configure({ now: clock.now, defaults: { storage: 'memory' } });

const positional: KeyEncoder = {
  text: (args) => JSON.stringify(Array.from(args)),
  hash: (args) => Number(args[0]) * 31 + Number(args[1] ?? 0),
  hashAt: (_self, a, b) => Number(a) * 31 + Number(b ?? 0),
  snapshot: (args) => Array.from(args),
  equals: (snapshot, args) => (snapshot as unknown[]).every((v, i) => v === args[i]),
  equalsAt: (snapshot, _self, a, b) => (snapshot as unknown[])[0] === a && ((snapshot as unknown[])[1] ?? b) === b,
};

describe('freshness on the positional entries', () => {
  it('call2 serves an entry until its ttl passes, exactly, then runs again', () => {
    let runs = 0;
    const cf = define(
      { id: 'fresh-call2', encoder: positional, ttl: '10s' },
      (a: number, b: number) => a + b + 100 * runs++,
    );
    expect(cf.call2(undefined, 1, 2)).toBe(3);
    clock.advance(9_999);
    expect(cf.call2(undefined, 1, 2)).toBe(3);
    expect(cf.stats()).toMatchObject({ hits: 1, misses: 1 });
    clock.advance(1);
    expect(cf.call2(undefined, 1, 2)).toBe(103);
    expect(runs).toBe(2);
    expect(cf.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('call1 keeps a forever entry, and an async one hands out one promise', async () => {
    let runs = 0;
    const cf = define(
      { id: 'fresh-call1-async', encoder: positional, async: true },
      async (a: number) => a + 10 * runs++,
    );
    const first = cf.call1(undefined, 5) as Promise<number>;
    expect(await first).toBe(5);
    clock.advance(10 * 365 * 86_400_000);
    const hit = cf.call1(undefined, 5);
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toBe(5);
    expect(cf.call1(undefined, 5)).toBe(hit); // the promise made on the first hit, not a new one
    expect(runs).toBe(1);
  });
});

describe('misses on the positional entries', () => {
  it('run the function for other arguments and for unequal ones of the same hash, with entries kept forever', () => {
    // A forever tier answers a found slot without a clock: only the slot tells a hit from a miss.
    let runs = 0;
    const cf = define(
      { id: 'miss-call2-forever', encoder: positional },
      (a: number, b: number) => `${a},${b}#${runs++}`,
    );
    expect(cf.call2(undefined, 1, 2)).toBe('1,2#0');
    expect(cf.call2(undefined, 2, 2)).toBe('2,2#1'); // no slot for this hash
    expect(cf.call2(undefined, 0, 33)).toBe('0,33#2'); // the hash of (1, 2), another key
    expect(cf.call2(undefined, 1, 2)).toBe('1,2#0');
    expect(cf.call2(undefined, 0, 33)).toBe('0,33#2');
    expect(cf.stats()).toMatchObject({ hits: 2, misses: 3 });
    const one = define({ id: 'miss-call1-forever', encoder: positional }, (a: number) => `${a}#${runs++}`);
    expect(one.call1(undefined, 7)).toBe('7#3');
    expect(one.call1(undefined, 8)).toBe('8#4');
    expect(one.call1(undefined, 7)).toBe('7#3');
  });
});

describe('peek on a store below memory', () => {
  it('returns a fresh entry of a sync store, and nothing once it expired', async () => {
    configure({ now: clock.now, stores: { shelf: createMemoryStore({ name: 'shelf' }) } });
    let runs = 0;
    const cf = define(
      { id: 'peek-shelf', encoder: positional, ttl: '1m', storage: 'shelf' },
      (a: number) => a + runs++,
    );
    const f = (a: number): number => cf.invoke(undefined, [a]) as number;
    expect(cf.peek(undefined, [1])).toBeUndefined();
    expect(f(1)).toBe(1);
    expect(cf.peek(undefined, [1])).toBe(1); // from the store: this function has no memory tier
    clock.advance(59_999);
    expect(cf.peek(undefined, [1])).toBe(1);
    clock.advance(1);
    expect(cf.peek(undefined, [1])).toBeUndefined();
    expect(runs).toBe(1);
  });
});
