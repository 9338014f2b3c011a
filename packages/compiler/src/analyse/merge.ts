/**
 * Merging the nodes of values that may sit in one position: members of one runtime kind become
 * one node (several object types one object over all their properties), and the kinds become a
 * `union` node that tells them apart at run time.
 */
import { type KeyNode, type PropertyKey, type RuntimeKind, runtimeKind } from '../plan.js';

const ORDER: readonly string[] = [
  'string',
  'number',
  'boolean',
  'bigint',
  'null',
  'undefined',
  'array',
  'date',
  'map',
  'set',
  'function',
];

/** The order of a union's kind tests: classes (`instanceof`) before plain objects (`typeof`). */
function rank(kind: string): number {
  const i = ORDER.indexOf(kind);
  if (i !== -1) return i;
  if (kind.startsWith('typedArray:') || kind.startsWith('builtin:')) return ORDER.length;
  return kind.startsWith('class:') ? ORDER.length + 1 : ORDER.length + 2;
}

/** Nodes for values that may sit in one position → one node, merging members of the same kind. */
export function mergeKeys(nodes: readonly KeyNode[]): KeyNode {
  const flat = nodes.flatMap((node) => (node.kind === 'union' ? node.members : [node]));
  const groups = new Map<RuntimeKind, KeyNode[]>();
  for (const node of flat) {
    const kind = runtimeKind(node) as RuntimeKind;
    if (kind === 'opaque') return { kind: 'reflect' };
    const group = groups.get(kind) ?? [];
    if (!group.some((other) => same(other, node))) group.push(node);
    groups.set(kind, group);
  }
  const members = [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([kind, group]) => (group.length === 1 ? (group[0] as KeyNode) : mergeSameKind(kind, group)));
  const reflect = members.find((member) => member.kind === 'reflect');
  if (reflect !== undefined) return reflect;
  return members.length === 1 ? (members[0] as KeyNode) : { kind: 'union', members };
}

function same(a: KeyNode, b: KeyNode): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function mergeSameKind(kind: RuntimeKind, group: KeyNode[]): KeyNode {
  if (group.some((node) => node.kind === 'ref')) return { kind: 'reflect' };
  const inner = group.map(unwrap);
  const first = group[0] as KeyNode;
  const rewrap = (node: KeyNode): KeyNode => (first.kind === 'exact' ? { ...first, inner: node } : node);
  if (kind === 'array') return rewrap({ kind: 'array', element: mergeKeys(inner.flatMap(elementsOf)) });
  if (kind === 'map') {
    const maps = inner as Extract<KeyNode, { kind: 'map' }>[];
    return rewrap({ kind: 'map', key: mergeKeys(maps.map((m) => m.key)), value: mergeKeys(maps.map((m) => m.value)) });
  }
  if (kind === 'set') {
    return rewrap({ kind: 'set', element: mergeKeys(inner.map((s) => (s as { element: KeyNode }).element)) });
  }
  if (kind === 'object') return mergeObjects(group);
  // Two different nodes for one class or built-in (e.g. generic instances): no safe merge.
  if (kind.startsWith('class:')) return { kind: 'reflect' };
  return first;
}

/** The node inside an `exact` prototype check. */
function unwrap(node: KeyNode): KeyNode {
  return node.kind === 'exact' ? node.inner : node;
}

function elementsOf(node: KeyNode): KeyNode[] {
  if (node.kind === 'array') return [node.element];
  if (node.kind === 'tuple') return [...node.elements, ...(node.rest === undefined ? [] : [node.rest])];
  return [node];
}

/** Object types without a discriminant: one object over every member's properties. */
function mergeObjects(group: KeyNode[]): KeyNode {
  const objects = group.flatMap((node) => (node.kind === 'discriminated' ? node.cases.map((c) => c.node) : [node]));
  // The runtime keys values of classes it cannot reach by name with their class: so do all.
  const instance = objects.find((node) => node.kind === 'instance');
  if (instance !== undefined) return instance;
  if (objects.some((node) => node.kind !== 'object' && node.kind !== 'record' && node.kind !== 'ref')) {
    return { kind: 'reflect' };
  }
  if (objects.some((node) => node.kind === 'record' || node.kind === 'ref')) {
    const values = objects.flatMap((node) =>
      node.kind === 'record' ? [node.value] : node.kind === 'object' ? node.properties.map((p) => p.node) : [],
    );
    return objects.some((node) => node.kind === 'ref')
      ? { kind: 'reflect' }
      : { kind: 'record', value: mergeKeys(values) };
  }
  const byName = new Map<string, { nodes: KeyNode[]; optional: boolean; count: number }>();
  for (const node of objects as Extract<KeyNode, { kind: 'object' }>[]) {
    for (const property of node.properties) {
      const entry = byName.get(property.name) ?? { nodes: [], optional: false, count: 0 };
      entry.nodes.push(property.node);
      entry.optional ||= property.optional;
      entry.count++;
      byName.set(property.name, entry);
    }
  }
  const properties: PropertyKey[] = [...byName.entries()].map(([name, entry]) => ({
    name,
    optional: entry.optional || entry.count < objects.length,
    node: mergeKeys(entry.count < objects.length ? [...entry.nodes, { kind: 'undefined' }] : entry.nodes),
  }));
  return { kind: 'object', properties };
}
