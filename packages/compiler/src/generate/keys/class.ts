/**
 * Key code for class instances and built-ins with an internal value: the prototype check that
 * puts class identity into the key, built-ins keyed by one string, and `[cacheKey]()` classes.
 */
import { prelude, RUNTIME } from '../names.js';
import type { Bodies, KeyOps, Node } from './kind.js';
import { instanceText } from './reflective.js';

/**
 * A value whose prototype must be exactly the declared class's or built-in's: one prototype
 * comparison; any other value (a subclass) is keyed by the runtime's `instanceText`, and its
 * snapshot is an `Other` holding that text.
 */
export function exactBodies(code: KeyOps, node: Node<'exact'>): Bodies {
  const proto = node.className === undefined ? `${RUNTIME}.proto.${node.builtin}` : `${node.className}.prototype`;
  const exact = `Object.getPrototypeOf(v) === ${proto}`;
  const other = instanceText(node.local, 'v');
  const { Other } = prelude;
  const label = node.className === undefined ? '' : `${JSON.stringify(`C${JSON.stringify(node.className)}:`)} + `;
  const inner = node.inner;
  const listed = inner.kind === 'array' || inner.kind === 'tuple';
  // An array's `length`, read first, gives the optimiser the value's shape, so the prototype
  // check compiles to a shape comparison instead of a call (a third of an object hit's cost
  // when it holds a `string[]`, measured in instructions).
  const shaped = listed || inner.kind === 'typedArray' ? 'v.length;\n' : '';
  // The snapshot of a value that passed the check is an array for arrays and tuples.
  const keyedLikeThis = listed ? 'Array.isArray(s)' : `!(s instanceof ${Other})`;
  return {
    hash: `${shaped}return ${exact} ? ${code.hash(inner, 'h', 'v')} : ${prelude.hashString}(${prelude.mix}(h, 9), ${other});`,
    snapshot: `return ${exact} ? ${code.snapshot(inner, 'v')} : new ${Other}(${other});`,
    equals: `${shaped}return ${exact} ? ${keyedLikeThis} && ${code.equals(inner, 's', 'v')} : s instanceof ${Other} && s.t === ${other};`,
    text: `return ${exact} ? ${label}${code.text(inner, 'v')} : "@" + ${other};`,
  };
}

const BUILTIN_VALUE: Record<Node<'builtin'>['name'], string> = {
  // Flags never hold "/", so the last "/" separates them from the source.
  RegExp: 'v.source + "/" + v.flags',
  URL: 'v.href',
  // Entries in order, each name and value percent-encoded.
  URLSearchParams: 'v.toString()',
  ArrayBuffer: 'Array.prototype.join.call(new Uint8Array(v), ",")',
  // `Number`, `String`, `Boolean` types hold primitives and boxed values (whose prototype is the
  // same): the type of value tells them apart.
  Number: 'typeof v + ":" + String(v)',
  String: 'typeof v + ":" + String(v)',
  Boolean: 'typeof v + ":" + String(v)',
};

/** A built-in keyed by one string of its internal value. */
export function builtinBodies(node: Node<'builtin'>): Bodies {
  const value = BUILTIN_VALUE[node.name];
  return {
    hash: `return ${prelude.hashString}(h, ${value});`,
    snapshot: `return ${value};`,
    equals: `return s === ${value};`,
    text: `return ${JSON.stringify(node.name)} + JSON.stringify(${value});`,
  };
}

/** A class's own key: the result of its `[cacheKey]()` method. */
export function customKey(v: string): string {
  return `${v}[${RUNTIME}.cacheKey]()`;
}
