import { uncacheable } from './uncacheable.js';

/**
 * The built-in classes keys know, found by prototype: a value's kind is read from the first
 * prototype on its chain that is a built-in's, and its internal value through the built-in's own
 * (brand-checked) methods, so a subclass overriding `getTime` or `forEach` cannot hide it.
 */

export const Kind = {
  /** A class instance with no built-in on its prototype chain. */
  Other: 0,
  Array: 1,
  Date: 2,
  Map: 3,
  Set: 4,
  RegExp: 5,
  Error: 6,
  Boxed: 7,
  ArrayBuffer: 8,
  Typed: 9,
  DataView: 10,
  Url: 11,
  UrlSearchParams: 12,
  /** State no key can read: WeakMap, WeakSet, WeakRef, Promise, FinalizationRegistry. */
  Unkeyable: 13,
} as const;

export type Kind = (typeof Kind)[keyof typeof Kind];

export interface Builtin {
  readonly kind: Kind;
  /** The built-in's name, as keys and warnings spell it. */
  readonly name: string;
  /** For boxed primitives: the built-in `valueOf`. */
  readonly valueOf?: (this: unknown) => unknown;
}

type Ctor = { readonly prototype: object; readonly name: string };
const global = globalThis as unknown as Record<string, Ctor | undefined>;

/**
 * Built-in prototypes captured when the runtime loads, for generated code's one-comparison class
 * check (`Object.getPrototypeOf(v) === __cachet.proto.Date`).
 */
export type BuiltinPrototypes = Readonly<Record<(typeof protoNames)[number], object>>;

const protoNames = [
  'Object',
  'Array',
  'Date',
  'Map',
  'Set',
  'RegExp',
  'Error',
  'Number',
  'String',
  'Boolean',
  'ArrayBuffer',
  'URL',
  'URLSearchParams',
  'Uint8Array',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Uint8ClampedArray',
] as const;

export const proto: BuiltinPrototypes = Object.freeze(
  Object.fromEntries(protoNames.map((name) => [name, global[name]?.prototype ?? Object.create(null)])) as Record<
    (typeof protoNames)[number],
    object
  >,
);

const builtins = new Map<object, Builtin>();

function add(kind: Kind, names: readonly string[]): void {
  for (const name of names) {
    const ctor = global[name];
    if (ctor !== undefined) builtins.set(ctor.prototype, { kind, name });
  }
}

add(Kind.Array, ['Array']);
add(Kind.Date, ['Date']);
add(Kind.Map, ['Map']);
add(Kind.Set, ['Set']);
add(Kind.RegExp, ['RegExp']);
add(Kind.Error, [
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
]);
add(Kind.ArrayBuffer, ['ArrayBuffer']);
add(Kind.DataView, ['DataView']);
// The typed arrays: the names of the list above that end in `Array`, but for Array itself.
add(
  Kind.Typed,
  protoNames.filter((name) => name !== 'Array' && name.endsWith('Array')),
);
add(Kind.Url, ['URL']);
add(Kind.UrlSearchParams, ['URLSearchParams']);
add(Kind.Unkeyable, ['WeakMap', 'WeakSet', 'WeakRef', 'Promise', 'FinalizationRegistry', 'SharedArrayBuffer']);
for (const box of [Number, String, Boolean, BigInt, Symbol]) {
  builtins.set(box.prototype, { kind: Kind.Boxed, name: box.name, valueOf: box.prototype.valueOf });
}

const other: Builtin = { kind: Kind.Other, name: '' };

/** The built-in whose own prototype `prototype` is (a value of exactly that class), if any. */
export function builtinAt(prototype: object): Builtin | undefined {
  return builtins.get(prototype);
}

/**
 * The built-in a value of prototype `start` is, or extends; `Kind.Other` for plain class
 * instances (whose chain reaches `Object.prototype` only through a class).
 */
export function builtinOf(start: object): Builtin {
  let p: object | null = start;
  while (p !== null && p !== Object.prototype) {
    const found = builtins.get(p);
    if (found !== undefined) return found;
    p = Object.getPrototypeOf(p) as object | null;
  }
  return other;
}

/** A built-in's own accessor, read once. */
function getter(target: object, name: string): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(target, name)?.get as (this: unknown) => unknown;
}

const TypedArray = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedBuffer = getter(TypedArray, 'buffer');
const typedOffset = getter(TypedArray, 'byteOffset');
const typedLength = getter(TypedArray, 'byteLength');
const viewBuffer = getter(DataView.prototype, 'buffer');
const viewOffset = getter(DataView.prototype, 'byteOffset');
const viewLength = getter(DataView.prototype, 'byteLength');
const bufferLength = getter(ArrayBuffer.prototype, 'byteLength');
const regexpSource = getter(RegExp.prototype, 'source');
const regexpFlags = getter(RegExp.prototype, 'flags');
const urlHref = global.URL === undefined ? undefined : getter(global.URL.prototype, 'href');
const paramsText = (global.URLSearchParams?.prototype as { toString?: () => string } | undefined)?.toString;
const getTime = Date.prototype.getTime;
const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;

/**
 * Runs a built-in's brand-checked method: a value that only pretends to be the built-in
 * (`Object.create(Date.prototype)`, a proxy) fails the check and makes the call uncacheable.
 */
function intrinsic<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TypeError) {
      uncacheable(`a value whose prototype is ${name}'s but which is not a real ${name} (a proxy?) cannot be keyed`);
    }
    throw error;
  }
}

export function dateTime(value: object): number {
  return intrinsic('Date', () => getTime.call(value as Date));
}

/** The entries of a Map as [key, value, key, value, ...]. */
export function mapEntries(value: object): unknown[] {
  const out: unknown[] = [];
  intrinsic('Map', () => mapForEach.call(value as Map<unknown, unknown>, (v, k) => out.push(k, v)));
  return out;
}

export function setItems(value: object): unknown[] {
  const out: unknown[] = [];
  intrinsic('Set', () => setForEach.call(value as Set<unknown>, (v) => out.push(v)));
  return out;
}

/** `source/flags`, and `/lastIndex` when a global or sticky RegExp is mid-way (it changes results). */
export function regexpText(value: object): string {
  return intrinsic('RegExp', () => {
    const lastIndex = (value as RegExp).lastIndex;
    const base = `${regexpSource.call(value) as string}/${regexpFlags.call(value) as string}`;
    return lastIndex === 0 ? base : `${base}/${String(lastIndex)}`;
  });
}

export function urlText(value: object): string {
  return intrinsic('URL', () => urlHref?.call(value) as string);
}

export function paramsString(value: object): string {
  return intrinsic('URLSearchParams', () => paramsText?.call(value) as string);
}

export function boxedValue(value: object, builtin: Builtin): unknown {
  return intrinsic(builtin.name, () => builtin.valueOf?.call(value));
}

/** The bytes of a typed array, DataView or ArrayBuffer, as lowercase hex. */
export function bytesHex(value: object, kind: Kind): string {
  return intrinsic('ArrayBuffer', () => {
    if (kind === Kind.ArrayBuffer)
      return hex(new Uint8Array(value as ArrayBuffer, 0, bufferLength.call(value) as number));
    const [buffer, offset, length] =
      kind === Kind.Typed
        ? [typedBuffer.call(value), typedOffset.call(value), typedLength.call(value)]
        : [viewBuffer.call(value), viewOffset.call(value), viewLength.call(value)];
    return hex(new Uint8Array(buffer as ArrayBuffer, offset as number, length as number));
  });
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number];
  return out;
}
