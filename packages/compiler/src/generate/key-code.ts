/**
 * Step 4a: code for keys. Each `KeyNode` gets four operations, as inline expressions for
 * primitives and as calls to named helper functions for composites:
 *
 * - hash(h, v): mixes v into the running hash h (allocation-free);
 * - snapshot(v): a private deep copy of the keyed data (kept by the memory tier);
 * - equals(s, v): whether v equals, as a key, the value snapshot s was made from (allocation-free);
 * - text(v): the stable, injective key text for persistent tiers.
 *
 * Every inline expression uses each operand once, so operands can be any expression.
 */
import type { KeyNode } from '../plan.js';
import { compositeHelper } from './composite-code.js';
import { prelude, RUNTIME } from './names.js';

/** The four operations of a helper, as generated function names. */
export interface HelperNames {
  readonly hash: string;
  readonly snapshot: string;
  readonly equals: string;
  readonly text: string;
}

/** Generates key code for the functions of one file, sharing helpers between them. */
export class KeyCode {
  private readonly names = new Map<string, HelperNames>();
  private readonly used = new Set<string>();
  private readonly chunks: string[] = [];
  private counter = 0;

  constructor(private readonly refs: ReadonlyMap<string, KeyNode>) {}

  hash(node: KeyNode, h: string, v: string): string {
    switch (node.kind) {
      case 'string':
        return `${prelude.hashString}(${h}, ${v})`;
      case 'number':
        return `${prelude.hashNumber}(${h}, ${v})`;
      case 'bigint':
        return `${prelude.hashNumber}(${h}, Number(${v}))`;
      case 'boolean':
        return `${prelude.mix}(${h}, ${v} ? 1 : 2)`;
      case 'null':
      case 'undefined':
        return `${prelude.mix}(${h}, 3)`;
      case 'date':
        return `${prelude.hashNumber}(${h}, ${v}.getTime())`;
      case 'custom':
        return this.hash(node.key, h, customKey(v));
      case 'reflect':
        return `${prelude.hashString}(${h}, ${RUNTIME}.reflectKey(${v}))`;
      case 'identity':
        return `${prelude.hashNumber}(${h}, ${identity(v)})`;
      case 'instance':
        return `${prelude.hashString}(${h}, ${instanceText(node.local, v)})`;
      default:
        return `${this.helper(node).hash}(${h}, ${v})`;
    }
  }

  snapshot(node: KeyNode, v: string): string {
    switch (node.kind) {
      case 'string':
      case 'number':
      case 'bigint':
      case 'boolean':
      case 'null':
      case 'undefined':
        return v;
      case 'date':
        return `new Date(${v}.getTime())`;
      case 'custom':
        return this.snapshot(node.key, customKey(v));
      case 'reflect':
        return `${RUNTIME}.reflectKey(${v})`;
      case 'identity':
        return identity(v);
      case 'instance':
        return instanceText(node.local, v);
      case 'union':
        if (isPrimitiveUnion(node)) return v;
        return `${this.helper(node).snapshot}(${v})`;
      default:
        return `${this.helper(node).snapshot}(${v})`;
    }
  }

  equals(node: KeyNode, s: string, v: string): string {
    switch (node.kind) {
      case 'string':
      case 'bigint':
      case 'boolean':
      case 'null':
      case 'undefined':
        return `${s} === ${v}`;
      case 'number':
        return `${prelude.sameNumber}(${s}, ${v})`;
      case 'date':
        return `${prelude.sameNumber}(${s}.getTime(), ${v}.getTime())`;
      case 'custom':
        return this.equals(node.key, s, customKey(v));
      case 'reflect':
        return `${s} === ${RUNTIME}.reflectKey(${v})`;
      case 'identity':
        return `${s} === ${identity(v)}`;
      case 'instance':
        return `${s} === ${instanceText(node.local, v)}`;
      case 'union':
        if (isPrimitiveUnion(node)) {
          return node.members.some((m) => m.kind === 'number') ? `${prelude.sameNumber}(${s}, ${v})` : `${s} === ${v}`;
        }
        return `${this.helper(node).equals}(${s}, ${v})`;
      default:
        return `${this.helper(node).equals}(${s}, ${v})`;
    }
  }

  text(node: KeyNode, v: string): string {
    switch (node.kind) {
      case 'string':
        return `JSON.stringify(${v})`;
      case 'number':
        return `String(${v})`;
      case 'bigint':
        return `String(${v}) + "n"`;
      case 'boolean':
        return `(${v} ? "true" : "false")`;
      case 'null':
        return '"null"';
      case 'undefined':
        return '"undefined"';
      case 'date':
        return `"D" + ${v}.getTime()`;
      case 'custom':
        return `"K" + ${this.text(node.key, customKey(v))}`;
      case 'reflect':
        return `${RUNTIME}.reflectKey(${v})`;
      case 'identity':
        return `"F" + ${identity(v)}`;
      case 'instance':
        return `"@" + ${instanceText(node.local, v)}`;
      default:
        return `${this.helper(node).text}(${v})`;
    }
  }

  /** The helper functions generated so far, in order of first use. */
  code(): string {
    return this.chunks.join('\n');
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
    const index = this.chunks.push('') - 1;
    this.chunks[index] = compositeHelper(this, body, names, base, node.kind === 'ref');
    return names;
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

/** The runtime's per-process identity of a function (or symbol): `storage=memory` only. */
function identity(v: string): string {
  return `${RUNTIME}.identity(${v})`;
}

/** The runtime's text of a class instance: its class, then its state. */
export function instanceText(local: boolean, v: string): string {
  return `${RUNTIME}.instanceText(${v}, ${local})`;
}

function customKey(v: string): string {
  return `${v}[${RUNTIME}.cacheKey]()`;
}

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'bigint', 'null', 'undefined']);

/** A union of primitives: `===` (or same-number) tells its values apart, and they need no copy. */
export function isPrimitiveUnion(node: KeyNode): boolean {
  return node.kind === 'union' && node.members.every((m) => PRIMITIVES.has(m.kind));
}

export function isPrimitive(node: KeyNode): boolean {
  return PRIMITIVES.has(node.kind) || isPrimitiveUnion(node);
}
