/**
 * Key code that hands a value to the runtime: the reflective encoder (`any`, `unknown`,
 * unconstrained type parameters), `instanceText` (classes generated code cannot check, and
 * subclasses), and identity (functions with `storage=memory`).
 */
import { prelude, RUNTIME } from '../names.js';
import type { Node } from './kind.js';

/** The runtime's reflective key; `local` (storage=memory) lets it key functions by identity. */
export function reflectKey(v: string, local = false): string {
  return local ? `${RUNTIME}.reflectKey(${v}, true)` : `${RUNTIME}.reflectKey(${v})`;
}

/** The runtime's text of a class instance: its class, then its state. */
export function instanceText(local: boolean, v: string): string {
  return `${RUNTIME}.instanceText(${v}, ${local})`;
}

/** The runtime's per-process identity of a function (or symbol): `storage=memory` only. */
export function identity(v: string): string {
  return `${RUNTIME}.identity(${v})`;
}

export type RuntimeNode = Node<'reflect' | 'instance' | 'identity'>;

/** The runtime's text (or identity number) of a value keyed by the runtime. */
function keyOf(node: RuntimeNode, v: string): string {
  if (node.kind === 'reflect') return reflectKey(v, node.local === true);
  return node.kind === 'instance' ? instanceText(node.local, v) : identity(v);
}

export function hash(node: RuntimeNode, h: string, v: string): string {
  return node.kind === 'identity'
    ? `${prelude.hashNumber}(${h}, ${keyOf(node, v)})`
    : `${prelude.hashString}(${h}, ${keyOf(node, v)})`;
}

export function snapshot(node: RuntimeNode, v: string): string {
  return keyOf(node, v);
}

export function equals(node: RuntimeNode, s: string, v: string): string {
  return `${s} === ${keyOf(node, v)}`;
}

/** `@` and `F` prefixes keep these texts apart from every other kind's in a union. */
export function text(node: RuntimeNode, v: string): string {
  if (node.kind === 'reflect') return keyOf(node, v);
  return node.kind === 'instance' ? `"@" + ${keyOf(node, v)}` : `"F" + ${keyOf(node, v)}`;
}
