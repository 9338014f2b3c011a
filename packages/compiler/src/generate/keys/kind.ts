/**
 * What every key-kind module shares: the operations they generate code through (implemented once,
 * by `KeyCode`, the dispatch), the bodies a composite helper consists of, and small helpers.
 * Kind modules import this file and the plan only, never each other or the dispatch.
 */
import type { KeyNode } from '../../plan.js';

export type Node<K extends KeyNode['kind']> = Extract<KeyNode, { kind: K }>;

/**
 * The four operations of a node, as expressions over operand expressions:
 *
 * - hash(h, v): mixes v into the running hash h (allocation-free);
 * - snapshot(v): a private deep copy of the keyed data (kept by the memory tier);
 * - equals(s, v): whether v equals, as a key, the value snapshot s was made from (allocation-free);
 * - text(v): the stable, injective key text for persistent tiers.
 */
export interface KeyOps {
  hash(node: KeyNode, h: string, v: string): string;
  snapshot(node: KeyNode, v: string): string;
  equals(node: KeyNode, s: string, v: string): string;
  text(node: KeyNode, v: string): string;
}

/** The function bodies of one composite node's helper (parameters: `h, v`; `v`; `s, v`; `v`). */
export interface Bodies {
  readonly hash: string;
  readonly snapshot: string;
  readonly equals: string;
  readonly text: string;
  /** Extra functions (a union's kind test). */
  readonly extra?: string;
}

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'bigint', 'null', 'undefined']);

/** A union of primitives: `===` (or same-number) tells its values apart, and they need no copy. */
export function isPrimitiveUnion(node: KeyNode): boolean {
  return node.kind === 'union' && node.members.every((m) => PRIMITIVES.has(m.kind));
}

export function isPrimitive(node: KeyNode): boolean {
  return PRIMITIVES.has(node.kind) || isPrimitiveUnion(node);
}

/**
 * A `return` of all `conditions` (`true` for none), one per line: an equality over several parts,
 * which stops at the first that differs.
 */
export function allOf(conditions: readonly string[]): string {
  if (conditions.length === 0) return 'return true;';
  return `return ${conditions.map(operand).join(' &&\n  ')};`;
}

/** A condition as an operand of `&&`: parenthesised if it holds `||` or `?:`, which bind looser. */
export function operand(condition: string): string {
  return /\|\||\?/.test(condition) ? `(${condition})` : condition;
}

export function indent(body: string): string {
  return body
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}
