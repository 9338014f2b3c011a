/** Plain values with built-ins for the reflective property (`cached(fn)` without `key`). */
import fc from 'fast-check';
import { big, bool, bytes, date, error, number, regexp, searchParams, small, str, url } from './values.js';

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

/** Values the reflective contract keys (and, rarely, ones it must run uncached). */
export function reflectiveValue(cacheKey: symbol): fc.Arbitrary<unknown> {
  class Keyed {
    constructor(
      public id: number,
      public note: string,
    ) {}
    [cacheKey](): number {
      return this.id;
    }
  }
  const leaf = fc.oneof(
    { weight: 6, arbitrary: fc.oneof(str, number, bool, big, fc.constant(null), fc.constant(undefined)) },
    { weight: 4, arbitrary: fc.oneof(date, regexp, url, searchParams, error, bytes) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        small.map((n) => new Number(n)),
        fc.constantFrom('a', 'b').map((s) => new String(s)),
        bool.map((b) => new Boolean(b)),
        fc.constantFrom(Symbol.for('cachet.a'), Symbol.for('cachet.b'), localSymbol, otherLocalSymbol),
        fc.constantFrom(fnA, fnB),
        fc.tuple(small, fc.constantFrom('x', 'y')).map(([id, note]) => new Keyed(id, note)),
        fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom('UTC', 'Asia/Tokyo')).map(([t, z]) => new Zoned(t, z)),
        fc.integer({ min: 0, max: 2 }).map((n) => new Uint8Array([n]).buffer),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.tuple(small, small).map(([x, y]) => new Point(x, y)),
        fc.constant(null).map(() => new WeakMap()),
        fc.constant(null).map(() => Promise.resolve(1)),
      ),
    },
  );
  return fc.letrec((tie) => ({
    value: fc.oneof({ maxDepth: 3, depthIdentifier: 'reflective' }, leaf, tie('composite')),
    composite: fc.oneof(
      fc.array(tie('value'), { maxLength: 3 }),
      fc
        .tuple(
          fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto_', 'constructor'), tie('value'), { maxKeys: 3 }),
          fc.option(tie('value'), { nil: undefined }),
        )
        .map(([o, s]) => (s === undefined ? o : Object.assign(o, { [Symbol.for('cachet.key')]: s }))),
      fc.array(fc.tuple(fc.constantFrom('a', 1, 'b'), tie('value')), { maxLength: 3 }).map((e) => new Map(e)),
      fc.array(tie('value'), { maxLength: 3 }).map((e) => new Set(e)),
    ),
  })).value;
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
