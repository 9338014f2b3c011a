import { identity } from './identity.js';
import { uncacheable } from './uncacheable.js';

/** The parts of a reflective key that hold no other values: primitives, symbols, functions, quoted text. */

export function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** The text of a value that is not an object; functions too (they have no members to visit). */
export function primitive(value: unknown, local: boolean): string {
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
    case 'symbol':
      return symbolText(value, local);
    case 'function':
      if (local) return `F${identity(value)}`;
      return uncacheable(
        'a function cannot be part of a persistent cache key; use storage=memory (keyed by identity), leave it out with ignore=, or pass a key',
      );
    default:
      return 'n';
  }
}

/** `Symbol.for` symbols by their description, others by identity in local keys. */
export function symbolText(symbol: symbol, local: boolean): string {
  const registered = Symbol.keyFor(symbol);
  if (registered !== undefined) return `y${quote(registered)}`;
  if (local) return `Y${identity(symbol)}`;
  return uncacheable(
    'a symbol not made by Symbol.for() cannot be part of a persistent cache key; use Symbol.for, or storage=memory',
  );
}

const INDEX = /^(?:0|[1-9]\d*)$/;

export function isIndex(key: string): boolean {
  return INDEX.test(key);
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
export function sortKeys(keys: string[]): string[] {
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
