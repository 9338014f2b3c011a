/**
 * The helpers generated key encoders call (through `@cachet/runtime/internal`): allocation-free,
 * 32-bit FNV-1a style mixing; checks that throw the `Uncacheable` signal for a value that is not of
 * its declared type; the snapshot of a value keyed by its `instanceText` (`Other`).
 *
 * Hashing runs first on every call and checks what it reads: a value that is not of its declared
 * type (passed from JavaScript, or through `any`) makes the call run uncached, never crash and never
 * share the key text of a value of the declared type (`"1"` for `1`, `"yes"` for `true`).
 *
 * They are small and monomorphic, so V8 inlines them into the generated code that calls them. The
 * compiler emits calls to them by name: renaming one breaks compiled code.
 */
import { uncacheable } from './uncacheable.js';

/** One mixing step of a hash. */
export function mix(h: number, x: number): number {
  return Math.imul(h ^ x, 16777619);
}

/** Throws the `Uncacheable` signal: an argument that is not of its declared type. */
export function notItsType(): never {
  return uncacheable(
    'an argument is not of its declared type (passed from JavaScript or through an any); the call runs uncached',
  );
}

/** Checks that a value of an object type is an object (or a function): `notItsType` otherwise. */
export function isObject(v: unknown): void {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) notItsType();
}

/** Mixes a string (its length, then its UTF-16 code units) into `h`. */
export function hashString(h: number, s: unknown): number {
  if (typeof s !== 'string') notItsType();
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/** Mixes a number into `h`: equal for 0 and -0, and for every NaN. */
export function hashNumber(h: number, n: unknown): number {
  if (typeof n !== 'number') notItsType();
  if ((n | 0) === n) return mix(h, n); // an int32 (0 and -0 alike): one step
  return mix(mix(mix(h, n | 0), (n / 4294967296) | 0), ((n - Math.trunc(n)) * 4294967296) | 0);
}

/** Mixes a bigint into `h` (as its nearest number: equal bigints hash alike). */
export function hashBigint(h: number, n: unknown): number {
  if (typeof n !== 'bigint') notItsType();
  return hashNumber(h, Number(n));
}

/** Mixes a boolean into `h`. */
export function hashBoolean(h: number, b: unknown): number {
  if (b !== true && b !== false) notItsType();
  return mix(h, b ? 1 : 2);
}

/** Mixes `null` or `undefined` (`expected`, the one the type allows) into `h`. */
export function hashNullish(h: number, v: unknown, expected: null | undefined): number {
  if (v !== expected) notItsType();
  return mix(h, 3);
}

/** A lone number parameter's value, checked: the memory table's key as it is. */
export function ownNumber(n: unknown): number {
  if (typeof n !== 'number') notItsType();
  return n;
}

/** A lone string parameter's value, checked: the memory table's key as it is. */
export function ownString(s: unknown): string {
  if (typeof s !== 'string') notItsType();
  return s;
}

/** Numbers equal as keys: NaN equals NaN, 0 equals -0. */
export function sameNumber(a: unknown, b: unknown): boolean {
  // biome-ignore lint/suspicious/noSelfCompare: x !== x is true for NaN alone, and costs no call
  return a === b || (a !== a && b !== b);
}

/** The snapshot of a value that failed its prototype check: its `instanceText`. */
export class Other {
  readonly t: string;
  constructor(t: string) {
    this.t = t;
  }
}
