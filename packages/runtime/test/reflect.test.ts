import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { isCachetError } from '../src/errors.js';
import { isIndex, quote } from '../src/key/leaves.js';
import { reflectArgs, reflectKey } from '../src/key/reflect.js';
import { cacheKey } from '../src/key/symbols.js';

const same = (a: unknown, b: unknown): boolean => reflectKey(a) === reflectKey(b);

describe('reflective key encoder', () => {
  it('tells kinds apart: 1 vs "1", a Date vs its ISO string, null vs undefined', () => {
    expect(same(1, '1')).toBe(false);
    expect(same(new Date(0), new Date(0).toISOString())).toBe(false);
    expect(same(null, undefined)).toBe(false);
    expect(same(1n, 1)).toBe(false);
    expect(same(true, 'true')).toBe(false);
    expect(same([1], { 0: 1 })).toBe(false);
  });

  it('never lets separators in strings collide: ("a|b","c") vs ("a","b|c")', () => {
    expect(reflectArgs(['a|b', 'c'])).not.toBe(reflectArgs(['a', 'b|c']));
    expect(reflectArgs(['a,s"b"', 'c'])).not.toBe(reflectArgs(['a', 'b', 'c']));
    expect(reflectArgs(['a"', ''])).not.toBe(reflectArgs(['a', '"']));
  });

  it('is canonical over object key order, Map and Set order', () => {
    expect(same({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(
      same(
        new Map([
          [1, 'a'],
          [2, 'b'],
        ]),
        new Map([
          [2, 'b'],
          [1, 'a'],
        ]),
      ),
    ).toBe(true);
    expect(same(new Set([1, 2, 3]), new Set([3, 1, 2]))).toBe(true);
    expect(same(new Set([1, 2]), new Set([1, 2, 3]))).toBe(false);
    expect(same(new Map([[1, 'a']]), new Map([[1, 'b']]))).toBe(false);
  });

  it('keeps an undefined property apart from a missing one', () => {
    expect(same({ a: undefined }, {})).toBe(false);
    expect(reflectArgs([1])).not.toBe(reflectArgs([1, undefined]));
  });

  it('keeps nested arrays of different shape apart', () => {
    expect(same([[1, 2], [3]], [[1], [2, 3]])).toBe(false);
    expect(same([[]], [])).toBe(false);
  });

  it('treats NaN as NaN and -0 as 0', () => {
    expect(same(Number.NaN, Number.NaN)).toBe(true);
    expect(same(-0, 0)).toBe(true);
    expect(same(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(false);
  });

  it('encodes bigint, Date, typed arrays and RegExp by value', () => {
    expect(same(10n ** 30n, 10n ** 30n)).toBe(true);
    expect(same(new Date(5), new Date(5))).toBe(true);
    expect(same(new Date(5), new Date(6))).toBe(false);
    expect(same(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(same(new Uint8Array([1, 2]), new Int8Array([1, 2]))).toBe(false);
    expect(same(/a/g, /a/i)).toBe(false);
  });

  it('uses the [cacheKey]() a class defines', () => {
    class Conn {
      constructor(
        readonly id: number,
        readonly socket: object,
      ) {}
      [cacheKey](): number {
        return this.id;
      }
    }
    expect(same(new Conn(1, {}), new Conn(1, { other: true }))).toBe(true);
    expect(same(new Conn(1, {}), new Conn(2, {}))).toBe(false);
  });

  it('terminates on cycles, canonically', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const b: Record<string, unknown> = { name: 'a' };
    b.self = b;
    expect(reflectKey(a)).toBe(reflectKey(b));
    const c: Record<string, unknown> = { name: 'a', self: { name: 'a' } };
    expect(reflectKey(a)).not.toBe(reflectKey(c));
  });

  it('refuses functions and plain symbols in persistent keys with a coded error naming where', () => {
    for (const bad of [() => 1, Symbol('s'), { deep: [1, () => 2] }, new WeakMap()]) {
      let caught: unknown;
      try {
        reflectKey(bad);
      } catch (error) {
        caught = error;
      }
      expect(isCachetError(caught, 'CACHET_E_UNKEYABLE')).toBe(true);
    }
    expectError(() => reflectKey({ deep: [1, () => 2] }), { code: 'CACHET_E_UNKEYABLE', message: /at \$\.deep\[1\]/ });
    expectError(() => reflectArgs([1, { m: new Map([[1, { w: new WeakSet() }]]) }]), {
      code: 'CACHET_E_UNKEYABLE',
      message: /at \$\[1\]\.m<value>\.w/,
    });
  });

  it('keeps argument lists of strings apart exactly when they differ (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', ',', 's', ':', '{', '}') });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), fc.array(text, { maxLength: 4 }), (a, b) => {
        const equal = a.length === b.length && a.every((x, i) => x === b[i]);
        expect(reflectArgs(a) === reflectArgs(b)).toBe(equal);
      }),
      { numRuns: 5000 },
    );
  });

  it('gives equal text exactly for structurally equal JSON-like values (property)', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.double(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.bigInt(),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 3 }), tie('node'), { maxKeys: 3, noNullPrototype: true }),
      ),
    })).node;
    fc.assert(
      fc.property(value, value, (a, b) => {
        const equal = structurallyEqual(a, b);
        expect(same(a, b)).toBe(equal);
        expect(same(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Plain structural equality with the encoder's documented rules (NaN = NaN, -0 = 0). */
function structurallyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => structurallyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

describe('the key text leaves (mutants that survived the tests above)', () => {
  it('quotes a string made only of the escaped characters, so it cannot run into its neighbour', () => {
    expect(quote('"')).toBe('"\\""');
    expect(quote('\\')).toBe('"\\\\"');
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote('plain')).toBe('"plain"');
  });

  it('takes only canonical array indexes as indexes', () => {
    for (const key of ['0', '7', '10', '4294967294']) expect(isIndex(key)).toBe(true);
    for (const key of ['', '01', '1a', 'a1', '-1', '1.5', ' 1']) expect(isIndex(key)).toBe(false);
  });
});
