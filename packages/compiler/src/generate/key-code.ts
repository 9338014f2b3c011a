/**
 * Step 4a: code for keys — the one dispatch from a `KeyNode` to the module of its kind. Each node
 * gets four operations (see `KeyOps`): inline expressions for primitives and values the runtime
 * keys, calls to named helper functions (generated once per file) for composites.
 *
 * Every inline expression uses each operand once, so operands can be any expression.
 */
import type { KeyNode } from '../plan.js';
import { functionDeclaration, type Param } from './declare.js';
import * as classes from './keys/class.js';
import * as collections from './keys/collection.js';
import { type Bodies, isPrimitiveUnion, type KeyOps } from './keys/kind.js';
import * as objects from './keys/object.js';
import * as primitives from './keys/primitive.js';
import { depthLimited } from './keys/recursive.js';
import * as runtime from './keys/reflective.js';
import * as shared from './keys/shared.js';
import * as unions from './keys/union.js';
import { prelude } from './names.js';

/** The four operations of a helper, as generated function names. */
export interface HelperNames {
  readonly hash: string;
  readonly snapshot: string;
  readonly equals: string;
  readonly text: string;
}

/** Generates key code for the functions of one file, sharing helpers between them. */
export class KeyCode implements KeyOps {
  private readonly names = new Map<string, HelperNames>();
  private readonly used = new Set<string>();
  /** The helper functions of each composite node, in order of first use. */
  private readonly chunks: string[][] = [];
  private counter = 0;
  /** Imported classes generated code checks prototypes against: local name → import. */
  private readonly imports = new Map<string, { readonly module: string; readonly name: string }>();

  constructor(private readonly refs: ReadonlyMap<string, KeyNode>) {}

  hash(node: KeyNode, h: string, v: string): string {
    if (primitives.isInline(node)) return primitives.hash(node, h, v);
    if (isRuntime(node)) return runtime.hash(node, h, v);
    if (node.kind === 'custom') return this.hash(node.key, h, classes.customKey(v));
    const common = shared.sharedOf(node);
    if (common !== undefined) return shared.hash(common, h, v);
    return `${this.helper(node).hash}(${h}, ${v})`;
  }

  snapshot(node: KeyNode, v: string): string {
    if (primitives.isInline(node)) return primitives.snapshot(node, v);
    if (isRuntime(node)) return runtime.snapshot(node, v);
    if (node.kind === 'custom') return this.snapshot(node.key, classes.customKey(v));
    if (isPrimitiveUnion(node)) return v;
    const common = shared.sharedOf(node);
    if (common !== undefined) return shared.snapshot(common, v);
    return `${this.helper(node).snapshot}(${v})`;
  }

  equals(node: KeyNode, s: string, v: string): string {
    if (primitives.isInline(node)) return primitives.equals(node, s, v);
    if (isRuntime(node)) return runtime.equals(node, s, v);
    if (node.kind === 'custom') return this.equals(node.key, s, classes.customKey(v));
    if (node.kind === 'union' && isPrimitiveUnion(node)) return primitives.unionEquals(node, s, v);
    const common = shared.sharedOf(node);
    if (common !== undefined) return shared.equals(common, s, v);
    return `${this.helper(node).equals}(${s}, ${v})`;
  }

  text(node: KeyNode, v: string): string {
    if (primitives.isInline(node)) return primitives.text(node, v);
    if (isRuntime(node)) return runtime.text(node, v);
    if (node.kind === 'custom') return `"K" + ${this.text(node.key, classes.customKey(v))}`;
    const common = shared.sharedOf(node);
    if (common !== undefined) return shared.text(common, v);
    return `${this.helper(node).text}(${v})`;
  }

  /** The imports and helper functions generated so far, one declaration each, in order of first use. */
  declarations(): string[] {
    // Imports are hoisted: here, at the end of the module, they bind before any call runs.
    const imports = [...this.imports].map(
      ([local, { module, name }]) => `import { ${name} as ${local} } from ${JSON.stringify(module)};\n`,
    );
    return [...imports, ...this.chunks.flat()];
  }

  /** The helper functions for a composite node, generated on first use. */
  private helper(node: KeyNode): HelperNames {
    const key = node.kind === 'ref' ? `ref:${node.name}` : JSON.stringify(node);
    const known = this.names.get(key);
    if (known !== undefined) return known;
    const base = `__cachet$${this.baseName(node)}`;
    const names: HelperNames = {
      hash: `${base}$hash`,
      snapshot: `${base}$snapshot`,
      equals: `${base}$equals`,
      text: `${base}$text`,
    };
    this.names.set(key, names);
    const body = node.kind === 'ref' ? this.refs.get(node.name) : node;
    if (body === undefined) throw new Error(`no helper named ${(node as { name: string }).name}`);
    if (body.kind === 'exact' && body.className !== undefined && body.from !== undefined) {
      this.imports.set(body.className, body.from);
    }
    const index = this.chunks.push([]) - 1;
    const bodies = withObjectCheck(body, this.bodiesOf(body, base));
    this.chunks[index] = helperCode(node.kind === 'ref' ? depthLimited(bodies) : bodies, names);
    return names;
  }

  /** The helper bodies of a composite node, from the module of its kind. */
  private bodiesOf(node: KeyNode, base: string): Bodies {
    switch (node.kind) {
      case 'object':
        return objects.objectBodies(this, node);
      case 'discriminated':
        return objects.discriminatedBodies(this, node);
      case 'record':
        return objects.recordBodies(this, node);
      case 'union':
        return unions.unionBodies(this, node, base);
      case 'array':
        return collections.arrayBodies(this, node);
      case 'tuple':
        return collections.tupleBodies(this, node);
      case 'map':
        return collections.mapBodies(this, node);
      case 'set':
        return collections.setBodies(this, node);
      case 'typedArray':
        return collections.typedArrayBodies(node);
      case 'exact':
        return classes.exactBodies(this, node);
      case 'builtin':
        return classes.builtinBodies(node);
      default:
        // Nodes with inline forms reached through a ref (a recursive alias of one): wrap them.
        return {
          hash: `return ${this.hash(node, 'h', 'v')};`,
          snapshot: `return ${this.snapshot(node, 'v')};`,
          equals: `return ${this.equals(node, 's', 'v')};`,
          text: `return ${this.text(node, 'v')};`,
        };
    }
  }

  private baseName(node: KeyNode): string {
    const wanted =
      node.kind === 'ref'
        ? node.name
        : node.kind === 'object' && node.name !== undefined
          ? node.name
          : `${node.kind}${++this.counter}`;
    let name = wanted;
    for (let i = 2; this.used.has(name); i++) name = `${wanted}${i}`;
    this.used.add(name);
    return name;
  }
}

function isRuntime(node: KeyNode): node is runtime.RuntimeNode {
  return node.kind === 'reflect' || node.kind === 'instance' || node.kind === 'identity';
}

/** Kinds whose helpers read properties of an object: their hash first checks it is one. */
const BOXABLE = new Set(['Number', 'String', 'Boolean']);
const OBJECT_KINDS = new Set([
  'object',
  'discriminated',
  'record',
  'array',
  'tuple',
  'map',
  'set',
  'typedArray',
  'exact',
]);

/**
 * A value of an object type that is not an object (null, a primitive: passed from JavaScript or
 * through `any`) makes the call run uncached instead of crashing in a property read. Hashing runs
 * first on every call, so the other operations only see checked values.
 */
function withObjectCheck(node: KeyNode, bodies: Bodies): Bodies {
  // `Number`, `String` and `Boolean` types hold primitives as well as boxed values.
  const boxable = (name: string | undefined): boolean => name !== undefined && BOXABLE.has(name);
  const checked =
    (OBJECT_KINDS.has(node.kind) && !(node.kind === 'exact' && boxable(node.builtin))) ||
    (node.kind === 'builtin' && !boxable(node.name));
  if (!checked) return bodies;
  const check = `${prelude.isObject}(v);`;
  return { ...bodies, hash: `${check}\n${bodies.hash}` };
}

/** The four functions (hash, snapshot, equals, text) of one composite node, and its extra function. */
function helperCode(bodies: Bodies, names: HelperNames): string[] {
  // `v` and `s` are typed `any`: the hash checks at run time what it reads (see prelude.ts). The
  // return types are written out, as recursive helpers call themselves.
  const h: Param = ['h', 'number'];
  const v: Param = ['v', 'any'];
  return [
    ...(bodies.extra === undefined ? [] : [bodies.extra]),
    functionDeclaration(names.hash, [h, v], 'number', bodies.hash),
    functionDeclaration(names.snapshot, [v], 'unknown', bodies.snapshot),
    functionDeclaration(names.equals, [['s', 'any'], v], 'boolean', bodies.equals),
    functionDeclaration(names.text, [v], 'string', bodies.text),
  ];
}
