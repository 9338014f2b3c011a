/**
 * Key code for the commonest types with a prototype check — a `Date`, a `string[]`, a `number[]`
 * — as calls to the runtime's whole helpers for them (`@cachet/runtime/internal`, key/generated.ts),
 * instead of four generated functions in every file that keys one. They compute what the
 * generated helpers would: the same hash, snapshot and key text.
 */
import { RUNTIME } from '../names.js';
import type { Node } from './kind.js';

/** An exact node the runtime has helpers for, and their suffix (`hashDate`, `equalsStrings`...). */
export interface Shared {
  readonly node: Node<'exact'>;
  readonly name: 'Date' | 'Strings' | 'Numbers';
}

export function sharedOf(node: { readonly kind: string }): Shared | undefined {
  if (node.kind !== 'exact') return undefined;
  const exact = node as Node<'exact'>;
  if (exact.className !== undefined) return undefined;
  const inner = exact.inner;
  if (exact.builtin === 'Date' && inner.kind === 'date') return { node: exact, name: 'Date' };
  if (exact.builtin !== 'Array' || inner.kind !== 'array') return undefined;
  if (inner.element.kind === 'string') return { node: exact, name: 'Strings' };
  if (inner.element.kind === 'number') return { node: exact, name: 'Numbers' };
  return undefined;
}

export function hash(shared: Shared, h: string, v: string): string {
  return `${RUNTIME}.hash${shared.name}(${h}, ${v}, ${shared.node.local})`;
}

export function snapshot(shared: Shared, v: string): string {
  const name = shared.name === 'Date' ? 'snapshotDate' : 'snapshotPrimitives';
  return `${RUNTIME}.${name}(${v}, ${shared.node.local})`;
}

export function equals(shared: Shared, s: string, v: string): string {
  return `${RUNTIME}.equals${shared.name}(${s}, ${v}, ${shared.node.local})`;
}

export function text(shared: Shared, v: string): string {
  return `${RUNTIME}.text${shared.name}(${v}, ${shared.node.local})`;
}
