/**
 * The helpers generated key encoders call (through `@cachet/runtime/internal`): allocation-free,
 * 32-bit FNV-1a style mixing; checks that throw the `Uncacheable` signal for a value that is not of
 * its declared type; the snapshot of a value keyed by its `instanceText` (`Other`).
 *
 * Hashing runs first on every call and checks what it reads: a value that is not of its declared
 * type (passed from JavaScript, or through `any`) makes the call run uncached, never crash and never
 * share the key text of a value of the declared type (`"1"` for `1`, `"yes"` for `true`).
 *
 * They are small and monomorphic, so V8 inlines them into the generated code that calls them. V8
 * inlines up to a budget of bytecode per optimised function, counting each inlined function whole,
 * rare branches included, and a hit inlines a chain of them: so each keeps its common case short,
 * calls out for the rare one (a double, a subclass), and writes the mixing step out (a call to
 * `mix` costs the call and `mix` itself). The object hit of the bench, whose chain is over the
 * budget, costs 1.3-1.4x the hand-written memo; with the budget raised until it fits
 * (`--max-inlined-bytecode-size-cumulative=1500`), about 1.15x.
 *
 * The compiler emits calls to them by name: renaming one breaks compiled code.
 */
import { proto } from './builtins.js';
import { instanceText } from './reflect.js';
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
  h = Math.imul(h ^ s.length, 16777619);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/** Mixes a number into `h`: equal for 0 and -0, and for every NaN. */
export function hashNumber(h: number, n: unknown): number {
  if (typeof n !== 'number') notItsType();
  if ((n | 0) === n) return Math.imul(h ^ n, 16777619); // an int32 (0 and -0 alike): one step
  return hashDouble(h, n);
}

/** `hashNumber` of a number that is not an int32: its integer part's two halves, then its fraction. */
function hashDouble(h: number, n: number): number {
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

/*
 * Whole helpers for the commonest types with a prototype check: a `Date`, a `string[]` and a
 * `number[]` (the compiler calls them instead of generating the four functions in every file). The
 * prototype must be exactly the built-in's; any other value (a subclass) is keyed by its
 * `instanceText` (`local`: storage=memory), and its snapshot is an `Other` holding that text. What
 * they compute is what the generated helpers compute: the same hash, snapshot and key text.
 */

const DATE = proto.Date;
const ARRAY = proto.Array;

/** The hash of a value keyed by its `instanceText` (a subclass of the declared built-in). */
function hashOther(h: number, v: object, local: boolean): number {
  return hashString(mix(h, 9), instanceText(v, local));
}

/** Whether `s` is the snapshot of a value keyed by its `instanceText`, and that text is `v`'s. */
function equalsOther(s: unknown, v: object, local: boolean): boolean {
  return s instanceof Other && s.t === instanceText(v, local);
}

/** Hash of a `Date` (checked: `notItsType` for a value that is not an object). */
export function hashDate(h: number, v: unknown, local: boolean): number {
  isObject(v);
  const d = v as Date;
  return Object.getPrototypeOf(d) === DATE ? hashNumber(h, d.getTime()) : hashOther(h, d, local);
}

/** Snapshot of a `Date` `hashDate` checked. */
export function snapshotDate(v: Date, local: boolean): unknown {
  return Object.getPrototypeOf(v) === DATE ? new Date(v.getTime()) : new Other(instanceText(v, local));
}

/** Whether a `Date` `hashDate` checked equals, as a key, the one `s` is the snapshot of. */
export function equalsDate(s: unknown, v: Date, local: boolean): boolean {
  return Object.getPrototypeOf(v) === DATE
    ? !(s instanceof Other) && sameNumber((s as Date).getTime(), v.getTime())
    : equalsOther(s, v, local);
}

/** Key text of a `Date`. */
export function textDate(v: Date, local: boolean): string {
  return Object.getPrototypeOf(v) === DATE ? `D${v.getTime()}` : `@${instanceText(v, local)}`;
}

/** Hash of a `string[]` (checked: `notItsType` for a value that is not an array of strings). */
export function hashStrings(h: number, v: unknown, local: boolean): number {
  isObject(v);
  const a = v as string[];
  // An array's `length`, read first, gives the optimiser the value's shape, so the prototype
  // check compiles to a shape comparison instead of a call.
  const n = a.length;
  if (Object.getPrototypeOf(a) !== ARRAY) return hashOther(h, a, local);
  h = Math.imul(h ^ n, 16777619);
  for (let i = 0; i < n; i++) h = hashString(h, a[i]);
  return h;
}

/** Hash of a `number[]` (checked: `notItsType` for a value that is not an array of numbers). */
export function hashNumbers(h: number, v: unknown, local: boolean): number {
  isObject(v);
  const a = v as number[];
  const n = a.length;
  if (Object.getPrototypeOf(a) !== ARRAY) return hashOther(h, a, local);
  h = Math.imul(h ^ n, 16777619);
  for (let i = 0; i < n; i++) h = hashNumber(h, a[i]);
  return h;
}

/** Snapshot of a `string[]` or `number[]` its hash checked: a copy. */
export function snapshotPrimitives(v: readonly unknown[], local: boolean): unknown {
  if (Object.getPrototypeOf(v) !== ARRAY) return new Other(instanceText(v, local));
  const s = new Array(v.length);
  for (let i = 0; i < v.length; i++) s[i] = v[i];
  return s;
}

/** Whether a `string[]` `hashStrings` checked equals, as a key, the one `s` is the snapshot of. */
export function equalsStrings(s: unknown, v: readonly string[], local: boolean): boolean {
  const n = v.length;
  if (Object.getPrototypeOf(v) !== ARRAY) return equalsOther(s, v, local);
  if (!Array.isArray(s) || s.length !== n) return false;
  for (let i = 0; i < n; i++) if (s[i] !== v[i]) return false;
  return true;
}

/** Whether a `number[]` `hashNumbers` checked equals, as a key, the one `s` is the snapshot of. */
export function equalsNumbers(s: unknown, v: readonly number[], local: boolean): boolean {
  const n = v.length;
  if (Object.getPrototypeOf(v) !== ARRAY) return equalsOther(s, v, local);
  if (!Array.isArray(s) || s.length !== n) return false;
  for (let i = 0; i < n; i++) if (!sameNumber(s[i], v[i])) return false;
  return true;
}

/** Key text of a `string[]`. */
export function textStrings(v: readonly string[], local: boolean): string {
  if (Object.getPrototypeOf(v) !== ARRAY) return `@${instanceText(v, local)}`;
  let t = '[';
  for (let i = 0; i < v.length; i++) t += (i === 0 ? '' : ',') + JSON.stringify(v[i]);
  return `${t}]`;
}

/** Key text of a `number[]`. */
export function textNumbers(v: readonly number[], local: boolean): string {
  if (Object.getPrototypeOf(v) !== ARRAY) return `@${instanceText(v, local)}`;
  let t = '[';
  for (let i = 0; i < v.length; i++) t += (i === 0 ? '' : ',') + String(v[i]);
  return `${t}]`;
}
