/**
 * The byte estimate behind `memory.maxBytes` and the size a `policy` is told (`memory/size.ts`):
 * mutation testing found nearly all of it unchecked. It is an estimate, but a deliberate one: each
 * kind of value has its own cost, shared objects count once, and the walk stops after a budget of
 * nodes. The expected numbers below are worked out by hand from that model, so a change to it
 * shows here and has to be meant.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyInfo } from '../src/index.js';
import { cached, configure } from '../src/index.js';
import { MemoryTier, Table } from '../src/memory/memory-tier.js';
import { approximateSize } from '../src/memory/size.js';

/** The model: 8 per primitive or repeated object, 16 + 2 per code unit for a string, and per container its header and slots. */
const str = (s: string): number => 16 + s.length * 2;

describe('approximateSize', () => {
  it.each([
    ['a number', 42, 8],
    ['true', true, 8],
    ['undefined', undefined, 8],
    ['null', null, 8],
    ['a bigint', 10n, 8],
    ['a function', () => 1, 8],
    ['a string', 'abc', str('abc')],
    ['an empty string', '', 16],
    ['a Uint8Array', new Uint8Array(10), 64 + 10],
    ['a Float64Array', new Float64Array(4), 64 + 32],
    ['a DataView', new DataView(new ArrayBuffer(8)), 64 + 8],
    ['an ArrayBuffer', new ArrayBuffer(10), 32 + 10],
    ['an empty array', [], 32],
    ['an empty object', {}, 32],
    ['an empty Map', new Map(), 64],
    ['an empty Set', new Set(), 64],
    ['a Date (no own keys)', new Date(0), 32],
  ])('%s', (_, value, bytes) => {
    expect(approximateSize(value)).toBe(bytes);
  });

  it('adds to each container its slots and what they hold', () => {
    expect(approximateSize(['ab', 1])).toBe(32 + 2 * 8 + str('ab') + 8);
    expect(approximateSize({ a: 'xy', b: null })).toBe(32 + 2 * 16 + str('xy') + 8);
    expect(approximateSize(new Map<unknown, unknown>([['a', 1]]))).toBe(64 + 24 + str('a') + 8);
    expect(approximateSize(new Set<unknown>(['a', 2]))).toBe(64 + 2 * 16 + str('a') + 8);
    expect(approximateSize({ list: [1, 'a'] })).toBe(32 + 16 + (32 + 2 * 8 + 8 + str('a')));
    const key = { k: 1 };
    expect(approximateSize(new Map([[key, [true]]]))).toBe(64 + 24 + (32 + 16 + 8) + (32 + 8 + 8));
    expect(approximateSize([new Uint8Array(3), new ArrayBuffer(5)])).toBe(32 + 2 * 8 + (64 + 3) + (32 + 5));
  });

  it('counts an object seen twice, or a cycle, once (8 for the second reference)', () => {
    const shared = {};
    expect(approximateSize([shared, shared])).toBe(32 + 2 * 8 + 32 + 8);
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(approximateSize(cycle)).toBe(32 + 16 + 8);
    expect(approximateSize([null])).toBe(32 + 8 + 8);
  });

  it('walks at most `budget` nodes, the container first', () => {
    const list = ['a', 'b', 'c'];
    expect(approximateSize(list, 1)).toBe(32 + 3 * 8);
    expect(approximateSize(list, 2)).toBe(32 + 3 * 8 + str('c'));
    expect(approximateSize(list, 4)).toBe(32 + 3 * 8 + 3 * str('a'));
    expect(approximateSize(list, 100)).toBe(32 + 3 * 8 + 3 * str('a'));
    // The default budget is 2000 nodes: the array and 1999 of its strings.
    const long = new Array<string>(5000).fill('x');
    // One string value 5000 times: strings are not deduplicated, only objects are.
    expect(approximateSize(long)).toBe(32 + 5000 * 8 + 1999 * str('x'));
  });
});

describe('where the estimate is used', () => {
  it("is the size a policy is told for a memory tier's value", () => {
    const seen: PolicyInfo[] = [];
    configure({
      policy: (info) => {
        seen.push(info);
        return true;
      },
    });
    try {
      const f = cached((n: number) => ({ list: [n, 'a'] }), { id: 'size-policy', storage: 'memory' });
      f(1);
      expect(seen).toEqual([{ fn: 'size-policy', tier: 'memory', size: 32 + 16 + (32 + 2 * 8 + 8 + str('a')) }]);
    } finally {
      configure({ policy: undefined });
    }
  });

  it('counts in the tier an entry, its value and its snapshot (at most 200 nodes of it)', () => {
    const tier = new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    const snapshot = new Array<string>(500).fill('s');
    table.insert({ hash: 1, snapshot, value: 'v', expiresAt: 1, staleUntil: 1 });
    expect(tier.bytes).toBe(96 + str('v') + (32 + 500 * 8 + 199 * str('s')));
    table.insert({ hash: 2, snapshot: undefined, value: 'w', expiresAt: 1, staleUntil: 1 });
    expect(tier.bytes - (96 + str('v') + (32 + 500 * 8 + 199 * str('s')))).toBe(96 + str('w'));
  });

  // Found by the mutation work: the estimate reads every own enumerable property, getters
  // included, and a getter that threw made the call throw although the function had returned.
  it('does not make a call fail when a getter of the value throws', () => {
    let runs = 0;
    const f = cached(
      (n: number) => ({
        n: n + runs++ * 0,
        get broken(): number {
          throw new Error('not readable');
        },
      }),
      { id: 'size-throwing-getter', storage: 'memory' },
    );
    expect(f(1).n).toBe(1);
    expect(f(1).n).toBe(1);
    expect(runs).toBe(1); // kept in memory: the second call was a hit
    const value = {
      a: 'xy',
      get b(): number {
        throw new Error('no');
      },
    };
    expect(approximateSize(value)).toBe(32 + 2 * 16 + (16 + 2 * 2) + 8); // the getter's value counted as undefined
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no');
        },
      },
    );
    expect(approximateSize([proxy, 'xy'])).toBe(32 + 2 * 8 + (16 + 2 * 2)); // the walk ends at the proxy
  });
});
