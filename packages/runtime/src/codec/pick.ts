import type { CodecName } from '../store.js';

/**
 * The codec a value needs to survive a persistent tier: `json` when JSON round-trips it exactly,
 * `v8` (structured serialisation) when it holds Date, Map, Set, bigint, typed arrays, `undefined`
 * or non-finite numbers; undefined when neither gives it back as it was. Neither keeps a
 * prototype: a class instance would come back as a plain object without its methods, an object
 * made with `Object.create(null)` as one that inherits `toString` and `constructor`; functions
 * and symbols cannot be stored at all. `cached()` picks by inspecting the value; compiled code
 * picks at build time from the return type (and refuses a class with methods there), and
 * `confirmCodec` checks that choice against each value.
 */
export function pickCodec(value: unknown): Exclude<CodecName, 'live'> | undefined {
  if (isJsonSafe(value, 0)) return 'json';
  return isCloneable(value) ? 'v8' : undefined;
}

/**
 * The codec a value is stored with when the build chose `chosen` from the return type: that
 * choice, unless the value is one the type did not foresee. Types are structural, so a function
 * typed to return `{ x: number }` may return a class instance (or an object without a prototype),
 * which no codec gives back as it was; and `json` chosen for a type may meet a value JSON would
 * change. The value decides, as for `cached()`.
 */
export function confirmCodec(
  chosen: Exclude<CodecName, 'live'> | undefined,
  value: unknown,
): Exclude<CodecName, 'live'> | undefined {
  if (chosen === 'v8') return isCloneable(value) ? 'v8' : undefined;
  return pickCodec(value);
}

function isJsonSafe(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(value)) {
        // A subclass, or a member beside the items (`list.total = 3`), JSON would drop.
        if (Object.getPrototypeOf(value) !== Array.prototype || Object.keys(value).length !== value.length)
          return false;
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isJsonSafe(value[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const key in value) if (!isJsonSafe((value as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** Built-ins structured serialisation gives back with their prototype (and no members to walk). */
const LEAVES: readonly object[] = [
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Number.prototype,
  String.prototype,
  Boolean.prototype,
  BigInt.prototype,
];

/** `%TypedArray%.prototype`: the prototype of `Uint8Array.prototype` and its siblings. */
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object;

/**
 * Whether structured serialisation gives the value back as it was: plain objects, arrays, Map, Set
 * and the built-ins above, at any depth and with cycles (walked with a list, not recursion).
 */
function isCloneable(value: unknown): boolean {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'function' || typeof v === 'symbol') return false;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === Object.prototype || proto === Array.prototype) {
      for (const key of Object.keys(v)) pending.push((v as Record<string, unknown>)[key]);
    } else if (proto === Map.prototype) {
      for (const [key, item] of v as Map<unknown, unknown>) pending.push(key, item);
    } else if (proto === Set.prototype) {
      for (const item of v as Set<unknown>) pending.push(item);
    } else if (proto === null || !(LEAVES.includes(proto) || Object.getPrototypeOf(proto) === TYPED_ARRAY)) {
      return false; // a class instance (a subclass of a built-in too), or no prototype at all
    }
  }
  return true;
}
