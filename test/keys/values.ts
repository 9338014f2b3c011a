/** Value generators and copies shared by the compiled and reflective properties. */
import fc from 'fast-check';

export const small = fc.integer({ min: -2, max: 2 });
export const number = fc.oneof(small, fc.constantFrom(Number.NaN, -0, 0, 0.5, Number.POSITIVE_INFINITY));
export const str = fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', '|', ',', '"', '\\', '{') });
export const bool = fc.boolean();
export const big = fc.bigInt({ min: -2n, max: 2n });
export const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** A few `Date`s, including an invalid one. */
export const date = fc.oneof(
  fc.integer({ min: 0, max: 2 }).map((t) => new Date(t)),
  fc.constant(null).map(() => new Date(Number.NaN)),
);
export const regexp = fc
  .tuple(fc.constantFrom('a', 'a|b', '\\d', '/'), fc.constantFrom('', 'g', 'i', 'gi'))
  .map(([s, f]) => new RegExp(s, f));
export const url = fc.constantFrom('https://a.test/', 'https://a.test/x', 'https://b.test/?q=1').map((h) => new URL(h));
export const searchParams = fc.constantFrom('', 'a=1', 'a=2', 'a=1&b=2').map((q) => new URLSearchParams(q));
export const bytes = fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }).map((e) => Uint8Array.from(e));

/** Errors: class, message, cause and own enumerable fields vary. */
export const error = fc
  .tuple(
    fc.constantFrom(Error, TypeError, RangeError),
    fc.constantFrom('', 'x', 'y'),
    fc.option(fc.constantFrom('c1', 'c2'), { nil: undefined }),
    fc.option(small, { nil: undefined }),
  )
  .map(([Ctor, message, cause, code]) => {
    const e = cause === undefined ? new Ctor(message) : new Ctor(message, { cause });
    if (code !== undefined) Object.assign(e, { code });
    return e;
  });

/**
 * A copy that keeps classes, prototypes, property descriptors (getters stay getters) and shared
 * or cyclic references, with object keys, Map and Set entries in reverse insertion order.
 */
export function copyValue<T>(value: T): T {
  const copies = new Map<object, object>();
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    // Values with no copy by value: the same object.
    if (v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise) return v;
    const done = copies.get(v);
    if (done !== undefined) return done;
    const proto = Object.getPrototypeOf(v) as object | null;
    let out: object;
    if (v instanceof Date) out = new Date(v.getTime());
    else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
    else if (v instanceof URL) out = new URL(v.href);
    else if (v instanceof URLSearchParams) out = new URLSearchParams(v);
    else if (ArrayBuffer.isView(v)) out = (v as Uint8Array).slice();
    else if (v instanceof ArrayBuffer) out = v.slice(0);
    else if (v instanceof Number || v instanceof String || v instanceof Boolean) out = Object(v.valueOf()) as object;
    else if (v instanceof Error) out = new Error(v.message);
    else if (Array.isArray(v)) out = [];
    else if (v instanceof Map || v instanceof Set) out = v instanceof Map ? new Map() : new Set();
    else out = {};
    Object.setPrototypeOf(out, proto);
    copies.set(v, out);
    if (v instanceof Map) for (const [k, x] of [...v].reverse()) Map.prototype.set.call(out, copy(k), copy(x));
    if (v instanceof Set) for (const x of [...v].reverse()) Set.prototype.add.call(out, copy(x));
    const keys = Reflect.ownKeys(v);
    const indices = Array.isArray(v) ? keys.filter((k) => typeof k === 'string' && /^\d+$/.test(k)) : [];
    const rest = keys.filter((k) => !indices.includes(k)).reverse();
    for (const key of [...indices, ...rest]) {
      if (Array.isArray(v) && key === 'length') continue;
      const d = Object.getOwnPropertyDescriptor(v, key) as PropertyDescriptor;
      if ('value' in d) d.value = copy(d.value);
      Object.defineProperty(out, key, d);
    }
    return out;
  };
  return copy(value) as T;
}

/** Pairs of argument lists: independent, identical, and an equal copy (keys and entries reordered). */
export function pairsOf(args: fc.Arbitrary<unknown[]>): fc.Arbitrary<[unknown[], unknown[]]> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(args, args) },
    { weight: 2, arbitrary: args.map((a): [unknown[], unknown[]] => [a, copyValue(a)]) },
    { weight: 1, arbitrary: args.map((a): [unknown[], unknown[]] => [a, a]) },
  );
}

/**
 * A short description of a value for counterexamples: like fast-check's, plus the class of any
 * object whose class is not the plain built-in one (a `Cat` and a `Dog` print differently), its
 * own enumerable fields, and symbol keys.
 */
export function show(value: unknown, depth = 0, seen: object[] = []): string {
  if (depth > 6) return '…';
  if (typeof value === 'object' && value !== null && seen.includes(value))
    return `[cycle to ${seen.length - seen.indexOf(value)} up]`;
  if (typeof value === 'object' && value !== null) seen = [...seen, value];
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'symbol' || typeof value === 'function' ? String(value).slice(0, 60) : fc.stringify(value);
  }
  const custom = (value as { [fc.toStringMethod]?: () => string })[fc.toStringMethod];
  if (typeof custom === 'function') return custom.call(value);
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = proto?.constructor?.name ?? 'null-prototype';
  const fields = (keys: (string | symbol)[]) =>
    keys
      .map((k) => {
        const d = Object.getOwnPropertyDescriptor(value, k) as PropertyDescriptor;
        const text = 'value' in d ? show(d.value, depth + 1, seen) : '[getter]';
        return `${typeof k === 'symbol' ? `[${String(k)}]` : k}: ${text}`;
      })
      .join(', ');
  const enumerable = (k: string | symbol) => Object.getOwnPropertyDescriptor(value, k)?.enumerable === true;
  if (Array.isArray(value)) {
    const extra = Reflect.ownKeys(value).filter((k) => enumerable(k) && !(typeof k === 'string' && /^\d+$/.test(k)));
    const items = `[${value.map((v) => show(v, depth + 1, seen)).join(', ')}]`;
    return `${name === 'Array' ? '' : name}${items}${extra.length > 0 ? ` & { ${fields(extra)} }` : ''}`;
  }
  const own = Reflect.ownKeys(value).filter(enumerable);
  let inner = '';
  if (value instanceof Map)
    inner = [...value].map(([k, v]) => `${show(k, depth + 1, seen)} => ${show(v, depth + 1, seen)}`).join(', ');
  else if (value instanceof Set) inner = [...value].map((v) => show(v, depth + 1, seen)).join(', ');
  else if (value instanceof Number || value instanceof String || value instanceof Boolean)
    inner = fc.stringify(value.valueOf());
  else if (value instanceof Error)
    inner = `${JSON.stringify(value.message)}${'cause' in value ? `, cause: ${show(value.cause, depth + 1, seen)}` : ''}`;
  else if (value instanceof Date || value instanceof RegExp || value instanceof URL || value instanceof URLSearchParams)
    inner = fc.stringify(value);
  else if (name === 'Object') {
    const inherited: string[] = [];
    for (const k in value) if (!Object.hasOwn(value, k)) inherited.push(k);
    return `{ ${fields(own)} }${inherited.length > 0 ? ` inheriting enumerable ${inherited.join(', ')}` : ''}`;
  }
  return `${name}(${inner})${own.length > 0 ? ` { ${fields(own)} }` : ''}`;
}
