/**
 * The plan: what analysis decides about a function, in a form that does not depend on the
 * TypeScript AST or checker. Code generation reads only this, so another front end (TypeScript
 * 7's API) can produce plans too.
 */

/** How one value enters a key, decided from its declared type. */
export type KeyNode =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'bigint' | 'null' | 'undefined' }
  /** Values of different runtime kinds (at most one member per kind). */
  | { readonly kind: 'union'; readonly members: readonly KeyNode[] }
  /** Declared properties only, in declaration order; excess properties are not part of the key. */
  | { readonly kind: 'object'; readonly properties: readonly PropertyKey[]; readonly name?: string }
  /** Object types told apart by a literal-typed property: a switch on it. */
  | { readonly kind: 'discriminated'; readonly property: string; readonly cases: readonly DiscriminatedCase[] }
  /** Index signatures and records: every own key, order-independent. */
  | { readonly kind: 'record'; readonly value: KeyNode }
  | { readonly kind: 'array'; readonly element: KeyNode }
  | {
      readonly kind: 'tuple';
      readonly elements: readonly KeyNode[];
      readonly minLength: number;
      readonly rest?: KeyNode;
    }
  | { readonly kind: 'date' }
  /** Unordered. */
  | { readonly kind: 'map'; readonly key: KeyNode; readonly value: KeyNode }
  /** Unordered. */
  | { readonly kind: 'set'; readonly element: KeyNode }
  /** A typed array, compared element by element. */
  | { readonly kind: 'typedArray'; readonly constructor: string }
  /** A class with `[cacheKey]()`: the key is the method's result, of type `key`. */
  | { readonly kind: 'custom'; readonly key: KeyNode }
  /** `any`, `unknown`, type parameters: the runtime's reflective encoder. */
  | { readonly kind: 'reflect'; readonly local?: true }
  /**
   * A value whose prototype must be exactly the built-in's (`builtin`: `Date`, `Map`, ...) or the
   * class's (`className`, a class reachable by that name from the file's top level, declared or
   * imported) to be keyed
   * by `inner`; any other value (a subclass) is keyed by the runtime's `instanceText(v, local)`.
   * A class puts its identity into the key and is told apart in unions with `instanceof`.
   */
  | {
      readonly kind: 'exact';
      readonly builtin?: string;
      readonly className?: string;
      /** An imported class: generated code imports it under `className` from the same module. */
      readonly from?: { readonly module: string; readonly name: string };
      readonly local: boolean;
      readonly inner: KeyNode;
    }
  /** A built-in keyed by one canonical string of its internal value (RegExp, URL, ...). */
  | { readonly kind: 'builtin'; readonly name: BuiltinValue }
  /** A class instance keyed by the runtime's `instanceText` (class not reachable, Error, ...). */
  | { readonly kind: 'instance'; readonly local: boolean }
  /** A function, keyed by identity (`storage=memory` only). */
  | { readonly kind: 'identity' }
  /** A named helper, for recursive types. */
  | { readonly kind: 'ref'; readonly name: string; readonly of: RuntimeKind };

/** What a value is at run time, as far as telling union members apart goes. */
export type RuntimeKind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'bigint'
  | 'null'
  | 'undefined'
  | 'array'
  | 'date'
  | 'map'
  | 'set'
  | `typedArray:${string}`
  | 'object'
  | 'function'
  | `class:${string}`
  | `builtin:${string}`
  | 'opaque';

/** Built-ins keyed by one string of their internal value. */
export type BuiltinValue = 'RegExp' | 'URL' | 'URLSearchParams' | 'ArrayBuffer' | 'Number' | 'String' | 'Boolean';

export interface PropertyKey {
  readonly name: string;
  /** A symbol-keyed member: the expression reaching the symbol (`Symbol.toStringTag`, `tag`). */
  readonly symbol?: string;
  /** Declared with `?`: a missing property differs from one set to `undefined`. */
  readonly optional: boolean;
  readonly node: KeyNode;
}

export interface DiscriminatedCase {
  readonly values: readonly (string | number | boolean)[];
  /** An `object` node, or a `ref` to one. */
  readonly node: KeyNode;
}

/** The runtime kind of a node's values (`opaque` for custom and reflective keys). */
export function runtimeKind(node: KeyNode): RuntimeKind | 'union' {
  switch (node.kind) {
    case 'tuple':
      return 'array';
    case 'discriminated':
    case 'record':
      return 'object';
    case 'typedArray':
      return `typedArray:${node.constructor}`;
    case 'custom':
    case 'reflect':
      return 'opaque';
    case 'ref':
      return node.of;
    case 'exact':
      return node.className === undefined ? runtimeKind(node.inner) : `class:${node.className}`;
    case 'builtin':
      return `builtin:${node.name}`;
    case 'instance':
      return 'object';
    case 'identity':
      return 'function';
    default:
      return node.kind;
  }
}

/** One parameter in the key. */
export interface ParamKey {
  /** Its position in the argument list. */
  readonly index: number;
  readonly name: string;
  /** A rest parameter: the arguments from `index` on, keyed as an array of `node`. */
  readonly rest: boolean;
  readonly node: KeyNode;
}

/** The key of a call: the keyed parameters, `this` for instance methods, and named helpers. */
export interface KeyPlan {
  readonly params: readonly ParamKey[];
  /** How `this` enters the key, when it does. */
  readonly self?: KeyNode;
  /** Named nodes that `ref` nodes point to (recursive types). */
  readonly helpers: ReadonlyMap<string, KeyNode>;
}

/** The value codec the return type needs; `undefined` leaves the choice to the runtime, per value. */
export type CodecChoice = 'json' | 'v8' | undefined;

/** Everything generation needs about one annotated function. */
export interface CachedFunctionPlan {
  /** The stable identity, e.g. `src/repo.ts#UserRepo.find`. */
  readonly id: string;
  /** Used to name generated bindings, e.g. `UserRepo$find`. */
  readonly localName: string;
  readonly version?: string;
  readonly ttl?: string | number;
  readonly swr?: string;
  readonly storage?: string;
  readonly async: boolean;
  readonly codec: CodecChoice;
  readonly key: KeyPlan;
}
