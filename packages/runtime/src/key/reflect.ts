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
  return new Encoder('$').encode(value);
}

/** The key text of a whole argument list with the reflective encoder. */
export function reflectArgs(args: ArrayLike<unknown>): string {
  const encoder = new Encoder('$');
  let out = '';
  for (let i = 0; i < args.length; i++) {
    encoder.path.push(i);
    out += (i === 0 ? '' : ',') + encoder.encode(args[i]);
    encoder.path.pop();
  }
  return out;
}

/** One encoding pass: the ancestors (for cycles) and the path (for errors, joined only then). */
class Encoder {
  private readonly ancestors: object[] = [];
  readonly path: (string | number)[] = [];

  constructor(private readonly root: string) {}

  encode(value: unknown): string {
    switch (typeof value) {
      case 'undefined':
        return 'u';
      case 'boolean':
        return value ? 't' : 'f';
      case 'number':
        // -0 shares the key of 0 (String(-0) is "0"); NaN equals NaN.
        return `d${value}`;
      case 'string':
        return `s${quote(value)}`;
      case 'bigint':
        return `b${value}`;
      case 'function':
      case 'symbol':
        throw this.refuse(`a ${typeof value}`);
      default:
        return value === null ? 'n' : this.object(value as object);
    }
  }

  private object(value: object): string {
    const depth = this.ancestors.indexOf(value);
    if (depth !== -1) return `^${this.ancestors.length - depth}`;
    this.ancestors.push(value);
    const text = this.composite(value);
    this.ancestors.pop();
    return text;
  }

  private composite(value: object): string {
    const custom = (value as { [cacheKey]?: unknown })[cacheKey];
    if (typeof custom === 'function') return `K${this.at('[cacheKey]', custom.call(value))}`;
    if (Array.isArray(value)) {
      let out = '[';
      for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + this.at(i, value[i]);
      return `${out}]`;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Object.prototype || proto === null) return this.properties(value);
    if (value instanceof Date) return `D${value.getTime()}`;
    if (value instanceof Map) return this.map(value);
    if (value instanceof Set) return this.set(value);
    if (ArrayBuffer.isView(value)) return `T${value.constructor.name}:${hex(value)}`;
    if (value instanceof ArrayBuffer) return `TArrayBuffer:${hex(new Uint8Array(value))}`;
    if (value instanceof RegExp) return `R${quote(`${value.source}/${value.flags}`)}`;
    if (value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise) {
      throw this.refuse(`a ${value.constructor.name}`);
    }
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? '';
    return `C${quote(name)}${this.properties(value)}`;
  }

  private properties(value: object): string {
    const keys = sortKeys(Object.keys(value));
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      out += `${i === 0 ? '' : ','}${quote(key)}:${this.at(key, (value as Record<string, unknown>)[key])}`;
    }
    return `${out}}`;
  }

  private map(value: Map<unknown, unknown>): string {
    const entries: string[] = [];
    for (const [k, v] of value) entries.push(`${this.at('<key>', k)}=>${this.at('<value>', v)}`);
    return `M{${entries.sort().join(',')}}`;
  }

  private set(value: Set<unknown>): string {
    const items: string[] = [];
    for (const item of value) items.push(this.at('<item>', item));
    return `S{${items.sort().join(',')}}`;
  }

  /** Encodes a member, with its place on the path for error messages. */
  private at(segment: string | number, value: unknown): string {
    this.path.push(segment);
    const text = this.encode(value);
    this.path.pop();
    return text;
  }

  private refuse(what: string): CachetKeyError {
    let where = this.root;
    for (const segment of this.path) where += typeof segment === 'number' ? `[${segment}]` : `.${segment}`;
    return new CachetKeyError(
      `cannot use ${what} as part of a cache key (at ${where}); leave it out of the key with ignore= or a custom key`,
    );
  }
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPE = /["\\]/g;

/**
 * Quotes a string so that the quoted form can be read back unambiguously (injective): only `"`
 * and `\` need escaping for that, which is cheaper than JSON's full escaping.
 */
export function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPE, '\\$&')}"` : `"${text}"`;
}

/** Sorts object keys in code-unit order; insertion sort for the few keys most objects have. */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 12) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function hex(view: ArrayBufferView): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
}
