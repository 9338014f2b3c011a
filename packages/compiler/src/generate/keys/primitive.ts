/**
 * Key code for values compared without a helper: primitives, and a Date's time (the inner
 * node of a Date's prototype check). Inline expressions that use each operand once.
 */
import { prelude } from '../names.js';
import type { Node } from './kind.js';

export type PrimitiveNode = Node<'string' | 'number' | 'boolean' | 'bigint' | 'null' | 'undefined' | 'date'>;

export function isInline(node: { readonly kind: string }): node is PrimitiveNode {
  return INLINE.has(node.kind);
}

const INLINE = new Set(['string', 'number', 'boolean', 'bigint', 'null', 'undefined', 'date']);

export function hash(node: PrimitiveNode, h: string, v: string): string {
  switch (node.kind) {
    case 'string':
      return `${prelude.hashString}(${h}, ${v})`;
    case 'number':
      return `${prelude.hashNumber}(${h}, ${v})`;
    case 'bigint':
      return `${prelude.hashBigint}(${h}, ${v})`;
    case 'boolean':
      return `${prelude.hashBoolean}(${h}, ${v})`;
    case 'null':
      return `${prelude.hashNullish}(${h}, ${v}, null)`;
    case 'undefined':
      return `${prelude.hashNullish}(${h}, ${v}, undefined)`;
    case 'date':
      return `${prelude.hashNumber}(${h}, ${v}.getTime())`;
  }
}

export function snapshot(node: PrimitiveNode, v: string): string {
  return node.kind === 'date' ? `new Date(${v}.getTime())` : v;
}

export function equals(node: PrimitiveNode, s: string, v: string): string {
  switch (node.kind) {
    case 'number':
      return `${prelude.sameNumber}(${s}, ${v})`;
    case 'date':
      return `${prelude.sameNumber}(${s}.getTime(), ${v}.getTime())`;
    default:
      return `${s} === ${v}`;
  }
}

export function text(node: PrimitiveNode, v: string): string {
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
  }
}

/** A union of primitives needs no helper to compare: `===`, or same-number when it holds numbers. */
export function unionEquals(node: Node<'union'>, s: string, v: string): string {
  return node.members.some((m) => m.kind === 'number') ? `${prelude.sameNumber}(${s}, ${v})` : `${s} === ${v}`;
}
