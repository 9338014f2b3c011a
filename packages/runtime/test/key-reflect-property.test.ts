import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reflectKey } from '../src/internal.js';

/**
 * The reflective encoder against an independent equality: over values built from every keyable
 * kind (small domains, so equal pairs are common), two values share a key exactly when they are
 * equal under the documented contract; a deep copy always shares its original's key.
 */

const leaf = fc.oneof(
  fc.constantFrom(0, 1, -0, Number.NaN, 'a', 'b', '', '1', true, false, null, undefined, 1n, 2n),
  fc.constantFrom(Symbol.for('a'), Symbol.for('b')),
  fc.integer({ min: 0, max: 2 }).map((t) => new Date(t)),
  fc.constantFrom(/a/, /a/g, /b/),
  fc.constantFrom('https://a.example/', 'https://b.example/').map((href) => new URL(href)),
  fc.constantFrom('x=1', 'x=2').map((query) => new URLSearchParams(query)),
  fc.integer({ min: 0, max: 1 }).map((n) => new Number(n)),
  fc.constantFrom('a', 'b').map((text) => new String(text)),
  fc.boolean().map((flag) => new Boolean(flag)),
  fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 2 }).map((bytes) => new Uint8Array(bytes)),
  fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 2 }).map((bytes) => new Int16Array(bytes)),
  fc.constantFrom('x', 'y').map((message) => new Error(message)),
  fc.constantFrom('x', 'y').map((message) => new TypeError(message)),
);

const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    leaf,
    tie('array'),
    tie('object'),
    tie('map'),
    tie('set'),
    tie('error'),
  ),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc
    .tuple(
      fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 2 }),
      fc.option(fc.tuple(fc.constantFrom(Symbol.for('k'), Symbol.for('l')), tie('value')), { nil: undefined }),
    )
    .map(([record, symbol]) => (symbol === undefined ? record : { ...record, [symbol[0]]: symbol[1] })),
  map: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 2 }).map((entries) => new Map(entries)),
  set: fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)),
  error: fc
    .tuple(fc.constantFrom('x', 'y'), tie('value'), fc.option(tie('value'), { nil: undefined }))
    .map(([message, cause, code]) => Object.assign(new Error(message, { cause }), code === undefined ? {} : { code })),
}));

describe('reflective keys over every keyable kind (property)', () => {
  it('share a key exactly when equal: against a reordered copy with one change, or none', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: -1, max: 12 }), (a, change) => {
        const b = copy(a, { change });
        expect(reflectKey(a) === reflectKey(b)).toBe(equal(a, b));
      }),
      { numRuns: 4000, seed: 12 },
    );
  });

  it('share a key exactly when equal: independent values', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(reflectKey(a) === reflectKey(b)).toBe(equal(a, b));
      }),
      { numRuns: 1000, seed: 12 },
    );
  });
});

function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** Own enumerable string keys and symbol keys, with their values. */
function fields(value: object): [PropertyKey, unknown][] {
  return Reflect.ownKeys(value)
    .filter((key) => Object.prototype.propertyIsEnumerable.call(value, key))
    .map((key) => [key, (value as Record<PropertyKey, unknown>)[key]]);
}

function sameFields(a: object, b: object): boolean {
  const fa = fields(a);
  const fb = new Map(fields(b));
  return fa.length === fb.size && fa.every(([key, v]) => fb.has(key) && equal(v, fb.get(key)));
}

/** True when the items can be paired one to one under `same` (small collections: brute force). */
function matches<T>(a: T[], b: T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 0) return true;
  const [first, ...rest] = a as [T, ...T[]];
  return b.some((candidate, i) => same(first, candidate) && matches(rest, [...b.slice(0, i), ...b.slice(i + 1)], same));
}

function equal(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return sameNumber(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  // A null-prototype record is not a plain object: it behaves otherwise (`toString`, `in`).
  const kind = (v: object) => Object.getPrototypeOf(v) as object | null;
  if (kind(a) !== kind(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => equal(x, (b as unknown[])[i]));
  if (a instanceof Date) return sameNumber(a.getTime(), (b as Date).getTime());
  if (a instanceof Map)
    return matches([...a], [...(b as Map<unknown, unknown>)], (x, y) => equal(x[0], y[0]) && equal(x[1], y[1]));
  if (a instanceof Set) return matches([...a], [...(b as Set<unknown>)], equal);
  if (a instanceof RegExp) return String(a) === String(b) && a.lastIndex === (b as RegExp).lastIndex;
  if (a instanceof URL || a instanceof URLSearchParams) return String(a) === String(b);
  if (a instanceof Number || a instanceof String || a instanceof Boolean)
    return equal(a.valueOf(), (b as Number | String | Boolean).valueOf());
  if (ArrayBuffer.isView(a)) return String(a) === String(b);
  if (a instanceof Error) {
    const e = b as Error;
    const causes = Object.hasOwn(a, 'cause') === Object.hasOwn(e, 'cause') && equal(a.cause, e.cause);
    return a.name === e.name && a.message === e.message && causes && sameFields(a, e);
  }
  return sameFields(a, b);
}

/**
 * A deep copy, kind by kind (structuredClone cannot copy symbols or URLs), with Map, Set and
 * object entries in reverse insertion order; the value visited `change` -th (depth first) is
 * altered in a way of its kind (the oracle, not this, decides whether the result is equal).
 */
function copy(value: unknown, state: { change: number }): unknown {
  const changed = state.change-- === 0;
  const c = (v: unknown) => copy(v, state);
  if (typeof value !== 'object' || value === null) return changed ? alter(value) : value;
  if (Array.isArray(value)) {
    const items = value.map(c);
    if (changed) items.push(undefined);
    return items;
  }
  if (value instanceof Date) return new Date(value.getTime() + (changed ? 1 : 0));
  if (value instanceof Map) {
    const entries = [...value].reverse().map(([k, v]): [unknown, unknown] => [c(k), c(v)]);
    return new Map(changed ? [...entries, ['zz', 1]] : entries);
  }
  if (value instanceof Set) {
    const items = [...value].reverse().map(c);
    return new Set(changed ? [...items, 'zz'] : items);
  }
  if (value instanceof RegExp) return new RegExp(value.source, changed ? `${value.flags}y` : value.flags);
  if (value instanceof URL) return new URL(changed ? `${value.href}z` : value.href);
  if (value instanceof URLSearchParams) return new URLSearchParams(changed ? `${value}&z=1` : value);
  if (value instanceof Number) return new Number(value.valueOf() + (changed ? 1 : 0));
  if (value instanceof String) return new String(value.valueOf() + (changed ? 'z' : ''));
  if (value instanceof Boolean) return new Boolean(changed ? !value.valueOf() : value.valueOf());
  if (value instanceof Uint8Array) return new Uint8Array(changed ? [...value, 1] : value);
  if (value instanceof Int16Array) return new Int16Array(changed ? [...value, 1] : value);
  if (value instanceof Error) {
    const Ctor = value.constructor as ErrorConstructor;
    const message = value.message + (changed ? 'z' : '');
    const out = Object.hasOwn(value, 'cause') ? new Ctor(message, { cause: c(value.cause) }) : new Ctor(message);
    for (const [key, v] of fields(value).reverse()) (out as unknown as Record<PropertyKey, unknown>)[key] = c(v);
    return out;
  }
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<PropertyKey, unknown>;
  for (const [key, v] of fields(value).reverse()) out[key] = c(v);
  if (changed) out.z = 1;
  return out;
}

function alter(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return value === 0 ? 1 : 0;
    case 'string':
      return `${value}z`;
    case 'boolean':
      return !value;
    case 'bigint':
      return value + 1n;
    case 'symbol':
      return value === Symbol.for('a') ? Symbol.for('b') : Symbol.for('a');
    case 'undefined':
      return null;
    default:
      return undefined;
  }
}
