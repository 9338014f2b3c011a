import { describe, expect, it } from 'vitest';
import { configure, createMemoryStore } from '../src/index.js';
import { define, type KeyEncoder } from '../src/internal.js';
import { entryKey } from '../src/key/entry-key.js';

const shared = createMemoryStore({ name: 'shared' });
configure({ stores: { shared: ['memory', shared] }, defaults: { storage: 'memory' } });

/**
 * A compiled-style encoder for a lone number parameter: `hashAt` without `equalsAt` says the
 * number is its own key. Counts the snapshots it is asked for.
 */
function ownNumberEncoder(): KeyEncoder & { snapshots: number } {
  const encoder = {
    snapshots: 0,
    text: (args: ArrayLike<unknown>) => `n:${String(args[0])}`,
    hash: (args: ArrayLike<unknown>) => args[0],
    hashAt: (_self: unknown, a: unknown) => a,
    snapshot: (args: ArrayLike<unknown>) => {
      encoder.snapshots++;
      return [args[0]];
    },
    equals: (s: unknown, args: ArrayLike<unknown>) => Object.is((s as unknown[])[0], args[0]),
  };
  return encoder;
}

describe('a lone number or string parameter is its own key', () => {
  it('keeps no snapshot, hits on both entries, and keys 0 and -0, NaN and NaN alike', () => {
    const encoder = ownNumberEncoder();
    let runs = 0;
    const cf = define({ id: 'slots#own-number', encoder }, (n: number) => `${n}#${++runs}`);
    expect(cf.call1(undefined, 5)).toBe('5#1');
    expect(cf.call1(undefined, 5)).toBe('5#1');
    expect(cf.invoke(undefined, [5])).toBe('5#1');
    expect(cf.invoke(undefined, [6])).toBe('6#2');
    expect(cf.call1(undefined, 6)).toBe('6#2');
    expect(cf.call1(undefined, 0)).toBe('0#3');
    expect(cf.call1(undefined, -0)).toBe('0#3');
    expect(cf.invoke(undefined, [Number.NaN])).toBe('NaN#4');
    expect(cf.call1(undefined, Number.NaN)).toBe('NaN#4');
    expect(encoder.snapshots).toBe(0);
    expect(cf.stats()).toMatchObject({ hits: 5, misses: 4 });
  });

  it('still gives the persistent tiers the encoder key text, not the hash', () => {
    const encoder = ownNumberEncoder();
    const cf = define({ id: 'slots#own-number-shared', encoder, storage: 'shared' }, (n: number) => n * 2);
    expect(cf.call1(undefined, 21)).toBe(42);
    expect(shared.get(entryKey('slots#own-number-shared', '0', 'n:21'))?.value).toBe(42);
    cf.clearMemory();
    expect(cf.call1(undefined, 21)).toBe(42); // from the store, into memory again
    expect(cf.stats()).toMatchObject({ hits: 1, misses: 1 });
    expect(encoder.snapshots).toBe(0);
  });

  it('an encoder with equalsAt keeps its snapshot: a caller mutating its argument cannot corrupt a hit', () => {
    let runs = 0;
    const keys = (args: ArrayLike<unknown>) => (args[0] as { id: number }).id;
    const cf = define(
      {
        id: 'slots#object',
        encoder: {
          text: (args) => String(keys(args)),
          hash: () => 1,
          hashAt: () => 1,
          snapshot: (args) => keys(args),
          equals: (s, args) => s === keys(args),
          equalsAt: (s, _self, a) => s === (a as { id: number }).id,
        },
      },
      (o: { id: number }) => `${o.id}#${++runs}`,
    );
    const arg = { id: 1 };
    expect(cf.call1(undefined, arg)).toBe('1#1');
    arg.id = 2;
    expect(cf.call1(undefined, arg)).toBe('2#2');
    expect(cf.call1(undefined, { id: 1 })).toBe('1#1');
    expect(cf.invoke(undefined, [{ id: 2 }])).toBe('2#2');
  });
});
