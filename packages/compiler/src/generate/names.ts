/** Names of generated bindings. All start with `__cachet$`, which user code is assumed not to use. */

/** The namespace import of the runtime. */
export const RUNTIME = '__cachet';

/**
 * The helpers generated key code calls: the runtime's (`@cachet/runtime/internal`, see its
 * key/generated.ts), called through the namespace, so no file carries a copy of them; and the
 * per-file state of recursive helpers.
 */
export const prelude = {
  mix: '__cachet.mix',
  hashString: '__cachet.hashString',
  hashNumber: '__cachet.hashNumber',
  sameNumber: '__cachet.sameNumber',
  /** The snapshot of a value that failed its prototype check: the runtime's instanceText. */
  Other: '__cachet.Other',
  /** How deep the helpers of recursive types of this file are nested right now. */
  depth: '__cachet$depth',
  /** Throws the runtime's uncacheable signal: a value that is not of its declared type. */
  notItsType: '__cachet.notItsType',
  /** `notItsType` unless the value is an object (or a function). */
  isObject: '__cachet.isObject',
  hashBigint: '__cachet.hashBigint',
  hashBoolean: '__cachet.hashBoolean',
  hashNullish: '__cachet.hashNullish',
  /** A lone number or string parameter's value, checked: the memory table's key as it is. */
  ownNumber: '__cachet.ownNumber',
  ownString: '__cachet.ownString',
} as const;

/**
 * Below this depth, values of recursive types are keyed by generated helpers, which recurse (this
 * stays well inside the default stack); deeper (or cyclic) parts by the runtime's reflective
 * encoder, which does not.
 */
export const MAX_DEPTH = 1000;

/** The bindings of one cached function. */
export interface FunctionNames {
  /** The original function, renamed (declarations) or bound (arrows, methods). */
  readonly impl: string;
  /** The CachedFunction, created on first call. */
  readonly cf: string;
  /** Creates the CachedFunction: a hoisted declaration, so calls before module evaluation work. */
  readonly get: string;
  readonly hash: string;
  /** `hash` and `equals` over positional arguments, for `call1`..`call3`. */
  readonly hashAt: string;
  readonly equalsAt: string;
  readonly snapshot: string;
  readonly equals: string;
  readonly text: string;
  readonly reflect: string;
}

/** The bindings of one cached function, from its local name (`loadUser`, `UserRepo$find`). */
export function functionNames(localName: string): FunctionNames {
  const base = `__cachet$${localName}`;
  return {
    impl: base,
    cf: `${base}$cf`,
    get: `${base}$get`,
    hash: `${base}$hash`,
    hashAt: `${base}$hashAt`,
    equalsAt: `${base}$equalsAt`,
    snapshot: `${base}$snapshot`,
    equals: `${base}$equals`,
    text: `${base}$text`,
    reflect: `${base}$reflect`,
  };
}

/** A property read: `v.name` for identifiers, `v["a-b"]` otherwise. */
export function property(object: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}
