/** Plain values with built-ins for the reflective property (`cached(fn)` without `key`). */
import fc from 'fast-check';
import { big, bool, bytes, copyValue, date, error, number, regexp, searchParams, small, str, url } from './values.js';

/** A class without `[cacheKey]()`: the reflective encoder must run such a call uncached. */
export class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

/** A Date subclass carrying a time zone: keyed by class, time and own fields. */
export class Zoned extends Date {
  constructor(
    t: number,
    public zone: string,
  ) {
    super(t);
  }
}

const localSymbol = Symbol('local');
const otherLocalSymbol = Symbol('local');
const fnA = (): number => 1;
const fnB = (): number => 1;

/**
 * Families of values for the reflective contract, one property each so every kind of value gets
 * its own counterexample: leaves of that family inside arrays, plain objects, Maps and Sets.
 */
export function reflectiveFamilies(cacheKey: symbol): Record<string, fc.Arbitrary<[unknown, unknown]>> {
  class Keyed {
    constructor(
      public id: number,
      public note: string,
    ) {}
    [cacheKey](): number {
      return this.id;
    }
  }
  const leaves = {
    'primitives and plain objects': fc.oneof(str, number, bool, big, fc.constant(null), fc.constant(undefined)),
    'Date, RegExp, typed arrays, ArrayBuffer': fc.oneof(
      date,
      regexp,
      bytes,
      fc.integer({ min: 0, max: 2 }).map((n) => new Uint8Array([n]).buffer),
    ),
    'URL and URLSearchParams': fc.oneof(url, searchParams),
    Error: error,
    'boxed primitives': fc.oneof(
      small.map((n) => new Number(n)),
      fc.constantFrom('a', 'b').map((s) => new String(s)),
      bool.map((b) => new Boolean(b)),
    ),
    'symbols and functions (storage=memory: by identity)': fc.constantFrom(
      Symbol.for('cachet.a'),
      Symbol.for('cachet.b'),
      localSymbol,
      otherLocalSymbol,
      fnA,
      fnB,
    ),
    'registered symbol keys': fc
      .tuple(fc.constantFrom('cachet.k1', 'cachet.k2'), small)
      .map(([k, v]) => ({ [Symbol.for(k)]: v })),
    'Date subclass with own fields': fc
      .tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom('UTC', 'Asia/Tokyo'))
      .map(([t, z]) => new Zoned(t, z)),
    'class with [cacheKey]()': fc.tuple(small, fc.constantFrom('x', 'y')).map(([id, note]) => new Keyed(id, note)),
    'class without [cacheKey]() (must run uncached)': fc.tuple(small, small).map(([x, y]) => new Point(x, y)),
    'WeakMap and Promise (must run uncached)': fc.oneof(
      fc.constant(null).map(() => new WeakMap()),
      fc.constant(null).map(() => Promise.resolve(1)),
    ),
  };
  const families: Record<string, fc.Arbitrary<[unknown, unknown]>> = {};
  const primitive = leaves['primitives and plain objects'];
  for (const [name, leaf] of Object.entries(leaves)) {
    families[name] = alignedPairs(fc.oneof({ weight: 2, arbitrary: leaf }, { weight: 1, arbitrary: primitive }));
  }
  families['everything mixed'] = alignedPairs(fc.oneof(...Object.values(leaves)));
  return families;
}

/**
 * Pairs of values of the same outline (arrays, plain objects, Maps and Sets a few levels deep)
 * whose leaves are sometimes the same, sometimes a copy, sometimes drawn apart: near misses that
 * an encoder ignoring part of a leaf turns into wrong hits.
 */
export function alignedPairs(leaf: fc.Arbitrary<unknown>): fc.Arbitrary<[unknown, unknown]> {
  type Pair = [unknown, unknown];
  const kind = (v: unknown) => (typeof v === 'object' && v !== null ? Object.getPrototypeOf(v) : typeof v);
  const leafPair: fc.Arbitrary<Pair> = fc.oneof(
    fc.tuple(leaf, leaf),
    // Two leaves of the same kind (two boxed numbers, two URLs): the nearest misses.
    fc.tuple(leaf, fc.array(leaf, { minLength: 8, maxLength: 8 })).map(([v, others]): Pair => {
      const same = others.filter((w) => kind(w) === kind(v));
      return [v, same[0] ?? copyValue(v)];
    }),
    leaf.map((v): Pair => [v, copyValue(v)]),
    leaf.map((v): Pair => [v, v]),
  );
  const split = (pairs: Pair[]): [unknown[], unknown[]] => [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
  return fc.letrec((tie) => ({
    value: fc.oneof({ maxDepth: 3, depthIdentifier: 'aligned' }, leafPair, tie('composite')),
    composite: fc.oneof(
      fc.array(tie('value') as fc.Arbitrary<Pair>, { maxLength: 3 }).map(split),
      fc
        .array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'constructor'), tie('value') as fc.Arbitrary<Pair>), {
          maxLength: 3,
        })
        .map(
          (entries): Pair => [
            Object.fromEntries(entries.map(([k, p]) => [k, p[0]])),
            Object.fromEntries(entries.map(([k, p]) => [k, p[1]])),
          ],
        ),
      fc
        .array(fc.tuple(fc.constantFrom('a', 1, 'b'), tie('value') as fc.Arbitrary<Pair>), { maxLength: 3 })
        .map(
          (entries): Pair => [new Map(entries.map(([k, p]) => [k, p[0]])), new Map(entries.map(([k, p]) => [k, p[1]]))],
        ),
      fc
        .array(tie('value') as fc.Arbitrary<Pair>, { maxLength: 3 })
        .map(split)
        .map(([a, b]): Pair => [new Set(a), new Set(b)]),
    ),
  })).value as fc.Arbitrary<Pair>;
}

/** A cyclic value (an object that contains itself), in a few shapes. */
export const cyclic = fc.tuple(fc.integer({ min: 0, max: 1 }), fc.boolean()).map(([v, viaArray]) => {
  const o: Record<string, unknown> = { v };
  o.self = viaArray ? [o] : o;
  return o;
});

/** A value nested `depth` deep, built without recursion. */
export function deepArray(depth: number, leaf: number): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
