import type { CodecName } from '../store.js';

/**
 * The codec a value needs to survive a persistent tier: `json` when JSON round-trips it exactly,
 * `v8` (structured serialisation) when it holds Date, Map, Set, bigint, typed arrays, `undefined`
 * or non-finite numbers. `cached()` picks by inspecting the value; compiled code picks at build
 * time from the return type.
 */
export function pickCodec(value: unknown): CodecName {
  return isJsonSafe(value, 0) ? 'json' : 'v8';
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
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isJsonSafe(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) if (!isJsonSafe((value as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}
