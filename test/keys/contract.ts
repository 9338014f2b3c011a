/**
 * The reference equality of DESIGN.md's "Keys" section, written directly from the contract and
 * independently of any encoder: two calls must share a key exactly when their arguments are equal
 * as values of the declared types (compiled path) or as reflective values (`cached(fn)`, `unknown`).
 *
 * A comparison answers `equal` (the calls must hit), `distinct` (they must miss) or `either` (the
 * contract allows both: `-0` and `0`, and shared or cyclic references whose unfolded values agree
 * while their graph shapes differ). It is run twice: a strict pass (Object.is on numbers, the same
 * graph shape) and a loose pass (-0 equals 0, bisimilar graphs equal); strict-equal gives `equal`,
 * loose-distinct gives `distinct`, anything between gives `either`.
 */

/** A declared type, as far as keys are concerned. */
export type Model =
  | { readonly k: 'number' | 'string' | 'boolean' | 'bigint' | 'null' | 'undefined' | 'function' | 'any' }
  | { readonly k: 'literal'; readonly value: unknown }
  | { readonly k: 'union'; readonly of: readonly Model[] }
  /** A plain object type: its declared properties (string or symbol keys) and nothing else. */
  | { readonly k: 'object'; readonly props: readonly Prop[] }
  /** A declared class: the run-time class, its declared properties, and own fields of a subclass. */
  | { readonly k: 'class'; readonly proto: () => object; readonly props: readonly Prop[] }
  /** A class with `[cacheKey]()`: the class, then that result (reflectively). */
  | { readonly k: 'cacheKey'; readonly key: symbol }
  /** An array, or a class extending Array: its elements, then the class's declared properties. */
  | { readonly k: 'array'; readonly of: Model; readonly proto?: () => object; readonly props?: readonly Prop[] }
  | { readonly k: 'tuple'; readonly of: readonly Model[] }
  | { readonly k: 'record'; readonly of: Model }
  | { readonly k: 'set'; readonly of: Model }
  | { readonly k: 'map'; readonly key: Model; readonly value: Model }
  | { readonly k: 'builtin'; readonly name: BuiltinName }
  | { readonly k: 'ref'; readonly get: () => Model };

export type BuiltinName = 'Date' | 'RegExp' | 'URL' | 'URLSearchParams' | 'Error' | 'Uint8Array';

export interface Prop {
  readonly key: string | symbol;
  readonly type: Model;
  readonly optional?: boolean;
}

export type Verdict = 'equal' | 'distinct' | 'either';

/** The contract's answer for two argument lists of a function with these parameter types. */
export function equalUnderContract(params: readonly Model[], a: readonly unknown[], b: readonly unknown[]): Verdict {
  const run = (mode: Mode) => {
    const cx = new Cx(mode);
    return params.every((type, i) => cx.eq(type, a[i], b[i]));
  };
  if (run('strict')) return 'equal';
  return run('loose') ? 'either' : 'distinct';
}

/** The reflective contract: `cached(fn)` without `key`, and parameters typed `unknown`/`any`. */
export function equalReflectively(a: readonly unknown[], b: readonly unknown[]): Verdict {
  if (a.length !== b.length) return 'distinct';
  return equalUnderContract(
    a.map(() => ANY),
    a,
    b,
  );
}

const ANY: Model = { k: 'any' };

/**
 * True when the reflective contract cannot key `value` (a class instance without `[cacheKey]()`,
 * a WeakMap, WeakSet, WeakRef or Promise anywhere inside): the call must run uncached.
 * `local` is storage=memory, where functions and unregistered symbols key by identity.
 */
export function reflectivelyUncacheable(value: unknown, cacheKeySymbol: symbol, local = true): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'function' || (typeof v === 'symbol' && Symbol.keyFor(v) === undefined)) {
      if (!local) return true;
      continue;
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (typeof (v as Record<symbol, unknown>)[cacheKeySymbol] === 'function') continue;
    if (v instanceof WeakMap || v instanceof WeakSet || v instanceof WeakRef || v instanceof Promise) return true;
    const base = builtinBase(v);
    if (base === undefined) return true;
    if (Array.isArray(v)) stack.push(...v);
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else if (v instanceof Error) stack.push((v as { cause?: unknown }).cause);
    for (const key of ownEnumerable(v, base)) stack.push((v as Record<PropertyKey, unknown>)[key]);
  }
  return false;
}

type Mode = 'strict' | 'loose';

/** Built-in prototypes the contract keys by internal value, and the plain-object ones. */
const builtinProtos: readonly object[] = [
  Array.prototype,
  Date.prototype,
  Map.prototype,
  Set.prototype,
  RegExp.prototype,
  URL.prototype,
  URLSearchParams.prototype,
  Error.prototype,
  Number.prototype,
  String.prototype,
  Boolean.prototype,
  ArrayBuffer.prototype,
  Object.getPrototypeOf(Uint8Array.prototype) as object,
];

/** The built-in a value is (or derives from), `Object.prototype` for plain objects, else undefined. */
function builtinBase(v: object): object | undefined {
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === null || proto === Object.prototype) return Object.prototype;
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (builtinProtos.includes(p)) return p;
  }
  return undefined;
}

/** Own enumerable string keys (array indices excluded for arrays and typed arrays) and symbol keys. */
function ownEnumerable(v: object, base: object | undefined = builtinBase(v)): (string | symbol)[] {
  const indexed =
    base === Array.prototype || base === builtinProtos[builtinProtos.length - 1] || base === String.prototype;
  const strings = Object.keys(v).filter((k) => !(indexed && /^(0|[1-9]\d*)$/.test(k)));
  const symbols = Object.getOwnPropertySymbols(v).filter((s) => Object.getOwnPropertyDescriptor(v, s)?.enumerable);
  return [...strings, ...symbols];
}

/** One comparison pass: the mode, and what it has seen (for shared and cyclic references). */
class Cx {
  private readonly firstA = new Map<object, number>();
  private readonly firstB = new Map<object, number>();
  private readonly assumed = new Map<object, Set<object>>();

  constructor(readonly mode: Mode) {}

  eq(type: Model, a: unknown, b: unknown): boolean {
    switch (type.k) {
      case 'number':
        return this.number(a, b);
      case 'string':
      case 'boolean':
      case 'bigint':
      case 'null':
      case 'undefined':
      case 'literal':
        return a === b;
      case 'function':
        return a === b;
      case 'any':
        return this.any(a, b);
      case 'ref':
        return this.eq(type.get(), a, b);
      case 'union':
        return this.union(type.of, a, b);
      default:
        if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
        return this.graph(a, b, () => this.composite(type, a, b));
    }
  }

  private number(a: unknown, b: unknown): boolean {
    if (typeof a !== 'number' || typeof b !== 'number') return false;
    if (Number.isNaN(a)) return Number.isNaN(b);
    return this.mode === 'strict' ? Object.is(a, b) : a === b;
  }

  /** Equal when some member holds both values and they are equal as it; a value holds one member. */
  private union(members: readonly Model[], a: unknown, b: unknown): boolean {
    const ma = members.filter((m) => conforms(m, a));
    const mb = members.filter((m) => conforms(m, b));
    return ma.some((m) => mb.includes(m) && this.eq(m, a, b));
  }

  /**
   * Shared and cyclic references. Strict: both sides must revisit at the same first-visit index
   * (the same graph shape). Loose: a pair already under comparison is assumed equal (bisimulation).
   */
  private graph(a: object, b: object, compare: () => boolean): boolean {
    if (this.mode === 'strict') {
      const ia = this.firstA.get(a);
      const ib = this.firstB.get(b);
      if (ia !== undefined || ib !== undefined) return ia === ib;
      this.firstA.set(a, this.firstA.size);
      this.firstB.set(b, this.firstB.size);
      return compare();
    }
    const pairs = this.assumed.get(a) ?? new Set<object>();
    if (pairs.has(b)) return true;
    pairs.add(b);
    this.assumed.set(a, pairs);
    return compare();
  }

  private composite(type: Model, a: object, b: object): boolean {
    const proto = Object.getPrototypeOf(a) as object | null;
    switch (type.k) {
      case 'object':
        return this.props(type.props, a, b);
      case 'class': {
        if (proto !== Object.getPrototypeOf(b)) return false;
        if (!this.props(type.props, a, b)) return false;
        return proto === type.proto() || this.ownFields(a, b, type.props);
      }
      case 'cacheKey':
      case 'builtin':
        // Already inside graph(): compare the objects, not the references again.
        return this.anyObject(a, b);
      case 'array':
      case 'tuple': {
        if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
        if (proto !== Object.getPrototypeOf(b)) return false;
        const declared = type.k === 'array' ? (type.proto?.() ?? Array.prototype) : Array.prototype;
        for (let i = 0; i < a.length; i++) {
          const t = type.k === 'array' ? type.of : (type.of[i] ?? ANY);
          if (i in a !== i in b || !this.eq(t, a[i], b[i])) return false;
        }
        const props = type.k === 'array' ? (type.props ?? []) : [];
        if (!this.props(props, a, b)) return false;
        return proto === declared || this.ownFields(a, b, props);
      }
      case 'record':
        return this.record(type.of, a, b);
      case 'set':
      case 'map':
        if (proto !== Object.getPrototypeOf(b)) return false;
        if (!this.collection(type, a, b)) return false;
        return proto === (type.k === 'set' ? Set.prototype : Map.prototype) || this.ownFields(a, b);
      default:
        return false;
    }
  }

  /** Declared properties only; an optional one missing differs from one present as undefined. */
  private props(props: readonly Prop[], a: object, b: object): boolean {
    const ra = a as Record<PropertyKey, unknown>;
    const rb = b as Record<PropertyKey, unknown>;
    return props.every((p) => {
      const ina = p.key in a;
      const inb = p.key in b;
      if (ina !== inb) return false;
      return !ina || this.eq(p.type, ra[p.key], rb[p.key]);
    });
  }

  /** Own enumerable string keys (never inherited ones), unordered. */
  private record(type: Model, a: object, b: object): boolean {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.every((k) => this.eq(type, ra[k], rb[k]));
  }

  /** Own enumerable fields of a subclass instance (or of any reflective value), reflectively. */
  private ownFields(a: object, b: object, declared: readonly Prop[] = []): boolean {
    const skip = new Set(declared.map((p) => p.key));
    const ka = ownEnumerable(a).filter((k) => !skip.has(k));
    const kb = ownEnumerable(b).filter((k) => !skip.has(k));
    if (ka.length !== kb.length) return false;
    const kbSet = new Set(kb);
    if (!ka.every((k) => kbSet.has(k))) return false;
    const ra = a as Record<PropertyKey, unknown>;
    const rb = b as Record<PropertyKey, unknown>;
    return ka.every((k) => this.any(ra[k], rb[k]));
  }

  /** Sets and Maps as unordered collections: a one-to-one matching of equal elements. */
  private collection(type: Model & { k: 'set' | 'map' }, a: object, b: object): boolean {
    if (type.k === 'set') {
      if (!(a instanceof Set) || !(b instanceof Set) || a.size !== b.size) return false;
      return this.matching([...a], [...b], (x, y) => this.eq(type.of, x, y));
    }
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    return this.matching(
      [...a],
      [...b],
      ([ka, va], [kb, vb]) => this.eq(type.key, ka, kb) && this.eq(type.value, va, vb),
    );
  }

  private matching<T>(xs: T[], ys: T[], eq: (x: T, y: T) => boolean): boolean {
    const used = new Set<number>();
    return xs.every((x) => {
      for (let j = 0; j < ys.length; j++) {
        if (used.has(j)) continue;
        const saved = this.save();
        if (eq(x, ys[j] as T)) {
          used.add(j);
          return true;
        }
        this.restore(saved);
      }
      return false;
    });
  }

  private save() {
    return { a: new Map(this.firstA), b: new Map(this.firstB) };
  }

  private restore(s: { a: Map<object, number>; b: Map<object, number> }): void {
    this.firstA.clear();
    this.firstB.clear();
    for (const [k, v] of s.a) this.firstA.set(k, v);
    for (const [k, v] of s.b) this.firstB.set(k, v);
  }

  /** The reflective contract (storage=memory: functions and unregistered symbols by identity). */
  private any(a: unknown, b: unknown): boolean {
    if (typeof a !== typeof b) return false;
    switch (typeof a) {
      case 'number':
        return this.number(a, b);
      case 'symbol':
        return a === b || (Symbol.keyFor(a) !== undefined && Symbol.keyFor(a) === Symbol.keyFor(b as symbol));
      case 'object':
        if (a === null || b === null) return a === b;
        return this.graph(a, b as object, () => this.anyObject(a, b as object));
      default:
        return a === b;
    }
  }

  private anyObject(a: object, b: object): boolean {
    const proto = Object.getPrototypeOf(a) as object | null;
    if (proto !== Object.getPrototypeOf(b)) return false;
    const base = builtinBase(a);
    if (base === undefined) {
      // A class instance: only with [cacheKey]() (the caller knows the symbol); by class and result.
      const key = cacheKeyOf(a);
      return key !== undefined && this.any(key(a), cacheKeyOf(b)?.(b));
    }
    if (!this.internal(base, a, b)) return false;
    if (base === Object.prototype) {
      const ka = ownEnumerable(a).filter((k) => typeof k === 'string' || Symbol.keyFor(k) !== undefined);
      const kb = ownEnumerable(b).filter((k) => typeof k === 'string' || Symbol.keyFor(k) !== undefined);
      if (ka.length !== kb.length || !ka.every((k) => kb.includes(k))) return false;
      return ka.every((k) => this.any((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k]));
    }
    return this.ownFields(a, b);
  }

  /** The internal value of a built-in (the class is already known equal). */
  private internal(base: object, a: object, b: object): boolean {
    const x = a as never;
    const y = b as never;
    switch (base) {
      case Object.prototype:
        return true;
      case Array.prototype: {
        const xa = x as unknown[];
        const ya = y as unknown[];
        return xa.length === ya.length && xa.every((v, i) => this.any(v, ya[i]));
      }
      case Date.prototype:
        return this.number(Date.prototype.getTime.call(x), Date.prototype.getTime.call(y));
      case Map.prototype:
        return this.collection({ k: 'map', key: ANY, value: ANY }, a, b);
      case Set.prototype:
        return this.collection({ k: 'set', of: ANY }, a, b);
      case RegExp.prototype:
        return (x as RegExp).source === (y as RegExp).source && (x as RegExp).flags === (y as RegExp).flags;
      case URL.prototype:
        return (x as URL).href === (y as URL).href;
      case URLSearchParams.prototype:
        return String(x) === String(y);
      case Error.prototype: {
        const ex = x as Error;
        const ey = y as Error;
        return (
          ex.name === ey.name &&
          ex.message === ey.message &&
          'cause' in ex === 'cause' in ey &&
          this.any(ex.cause, ey.cause)
        );
      }
      case Number.prototype:
        return this.number(Number.prototype.valueOf.call(x), Number.prototype.valueOf.call(y));
      case String.prototype:
        return String.prototype.valueOf.call(x) === String.prototype.valueOf.call(y);
      case Boolean.prototype:
        return Boolean.prototype.valueOf.call(x) === Boolean.prototype.valueOf.call(y);
      case ArrayBuffer.prototype:
        return sameBytes(new Uint8Array(x), new Uint8Array(y));
      default: {
        const ta = x as Uint8Array;
        const tb = y as Uint8Array;
        return sameBytes(
          new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength),
          new Uint8Array(tb.buffer, tb.byteOffset, tb.byteLength),
        );
      }
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The `[cacheKey]()` method of a value, under the symbol registered with `useCacheKeySymbol`. */
let cacheKeySymbol: symbol | undefined;
export function useCacheKeySymbol(symbol: symbol): void {
  cacheKeySymbol = symbol;
}
function cacheKeyOf(v: object): ((v: object) => unknown) | undefined {
  if (cacheKeySymbol === undefined) return undefined;
  const method = (v as Record<symbol, unknown>)[cacheKeySymbol];
  return typeof method === 'function' ? (o) => (method as () => unknown).call(o) : undefined;
}

/** Whether a value belongs to a union member (used to tell members apart). */
export function conforms(type: Model, v: unknown): boolean {
  switch (type.k) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'function':
      return typeof v === type.k;
    case 'null':
      return v === null;
    case 'undefined':
      return v === undefined;
    case 'literal':
      return v === type.value;
    case 'any':
      return true;
    case 'ref':
      return conforms(type.get(), v);
    case 'union':
      return type.of.some((m) => conforms(m, v));
    case 'object':
      return (
        typeof v === 'object' &&
        v !== null &&
        type.props.every((p) =>
          p.key in v ? conforms(p.type, (v as Record<PropertyKey, unknown>)[p.key]) : p.optional,
        )
      );
    case 'class':
      return typeof v === 'object' && v !== null && Object.prototype.isPrototypeOf.call(type.proto(), v);
    case 'array':
    case 'tuple':
      return Array.isArray(v);
    case 'set':
      return v instanceof Set;
    case 'map':
      return v instanceof Map;
    default:
      return typeof v === 'object' && v !== null;
  }
}
