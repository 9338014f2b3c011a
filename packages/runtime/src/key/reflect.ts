import { CachetKeyError } from '../errors.js';
import { cacheKey } from './symbols.js';

/**
 * The reflective key encoder: used by `cached()` without `key`, and by compiled code for
 * parameters typed `any`, `unknown` or an unresolved type parameter.
 *
 * It is canonical (equal values give equal text: object keys sorted, Map and Set entries sorted
 * by their encoding) and injective (every value is tagged by its kind, strings are quoted, so
 * `1` and `"1"`, or a Date and its ISO string, never share a text). A cycle is encoded as a
 * back-reference to the ancestor it returns to, so cyclic values terminate and stay canonical.
 *
 * Tags: `u` undefined, `n` null, `t`/`f` booleans, `d` number, `s` string, `b` bigint, `D` Date,
 * `[` array, `{` object, `C` class instance, `M` Map, `S` Set, `T` typed array or buffer,
 * `R` RegExp, `K` a `[cacheKey]()` result, `^` a cycle.
 */
export function reflectKey(value: unknown): string {
  return encode(value, [], '$');
}

/** The key text of a whole argument list (or any array) with the reflective encoder. */
export function reflectArgs(args: ArrayLike<unknown>): string {
  let out = '';
  for (let i = 0; i < args.length; i++) out += (i === 0 ? '' : ',') + encode(args[i], [], `$${i}`);
  return out;
}

function encode(value: unknown, stack: object[], path: string): string {
  switch (typeof value) {
    case 'undefined':
      return 'u';
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
      // -0 shares the key of 0 (String(-0) is "0"); NaN equals NaN.
      return `d${value}`;
    case 'string':
      return `s${JSON.stringify(value)}`;
    case 'bigint':
      return `b${value}`;
    case 'function':
    case 'symbol':
      throw new CachetKeyError(
        `cannot use a ${typeof value} as part of a cache key (at ${path}); leave it out of the key with ignore= or a custom key`,
      );
    default:
      return value === null ? 'n' : encodeObject(value as object, stack, path);
  }
}

function encodeObject(value: object, stack: object[], path: string): string {
  const depth = stack.indexOf(value);
  if (depth !== -1) return `^${stack.length - depth}`;
  stack.push(value);
  try {
    return encodeComposite(value, stack, path);
  } finally {
    stack.pop();
  }
}

function encodeComposite(value: object, stack: object[], path: string): string {
  const custom = (value as { [cacheKey]?: unknown })[cacheKey];
  if (typeof custom === 'function') return `K${encode(custom.call(value), stack, `${path}[cacheKey]`)}`;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + encode(value[i], stack, `${path}[${i}]`);
    return `${out}]`;
  }
  if (value instanceof Date) return `D${value.getTime()}`;
  if (value instanceof Map) return encodeMap(value, stack, path);
  if (value instanceof Set) return encodeSet(value, stack, path);
  if (ArrayBuffer.isView(value)) return `T${value.constructor.name}:${hex(value)}`;
  if (value instanceof ArrayBuffer) return `TArrayBuffer:${hex(new Uint8Array(value))}`;
  if (value instanceof RegExp) return `R${JSON.stringify(`${value.source}/${value.flags}`)}`;
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise) {
    throw new CachetKeyError(
      `cannot use a ${value.constructor.name} as part of a cache key (at ${path}); leave it out with ignore= or a custom key`,
    );
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  const body = encodeProperties(value, stack, path);
  if (proto === Object.prototype || proto === null) return body;
  const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? '';
  return `C${JSON.stringify(name)}${body}`;
}

function encodeProperties(value: object, stack: object[], path: string): string {
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const field = (value as Record<string, unknown>)[key];
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${encode(field, stack, `${path}.${key}`)}`;
  }
  return `${out}}`;
}

function encodeMap(value: Map<unknown, unknown>, stack: object[], path: string): string {
  const entries: string[] = [];
  for (const [k, v] of value)
    entries.push(`${encode(k, stack, `${path}<key>`)}=>${encode(v, stack, `${path}<value>`)}`);
  return `M{${entries.sort().join(',')}}`;
}

function encodeSet(value: Set<unknown>, stack: object[], path: string): string {
  const items: string[] = [];
  for (const item of value) items.push(encode(item, stack, `${path}<item>`));
  return `S{${items.sort().join(',')}}`;
}

function hex(view: ArrayBufferView): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
}
