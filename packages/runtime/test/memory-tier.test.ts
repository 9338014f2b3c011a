import { describe, expect, it } from 'vitest';
import { MemoryNode, MemoryTier, Table } from '../src/memory/memory-tier.js';

function add(table: Table, key: string, value: unknown = key): MemoryNode {
  const node = new MemoryNode(table, key, undefined, value, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  table.insert(node);
  return node;
}

const has = (table: Table, key: string): boolean => table.find(key, undefined, [], undefined) !== undefined;

describe('memory tier', () => {
  it('gives back the stale window it was given, kept as an offset from the expiry', () => {
    const table = new Table(new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY }));
    const forever = Number.POSITIVE_INFINITY;
    for (const [expiresAt, staleUntil] of [
      [forever, forever],
      [1000, 1000],
      [1000, 5000],
      [1000, forever],
      [1.5, 2.25],
    ] as const) {
      const node = new MemoryNode(table, 'k', undefined, 1, expiresAt, staleUntil);
      expect([node.expiresAt, node.staleUntil]).toEqual([expiresAt, staleUntil]);
    }
  });

  it('drops the least recently used entry past maxEntries', () => {
    const tier = new MemoryTier({ maxEntries: 3, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    const a = add(table, 'a');
    add(table, 'b');
    add(table, 'c');
    tier.touch(a);
    add(table, 'd');
    expect(['a', 'b', 'c', 'd'].filter((k) => has(table, k))).toEqual(['a', 'c', 'd']);
    expect(tier.entries).toBe(3);
  });

  it('drops entries past maxBytes, across tables', () => {
    const tier = new MemoryTier({ maxEntries: 1000, maxBytes: 30_000 });
    const one = new Table(tier);
    const two = new Table(tier);
    add(one, 'big1', 'x'.repeat(5000));
    add(two, 'big2', 'x'.repeat(5000));
    add(one, 'big3', 'x'.repeat(5000));
    expect(tier.bytes).toBeLessThanOrEqual(30_000);
    expect(has(one, 'big1')).toBe(false);
    expect(has(two, 'big2')).toBe(true);
    expect(has(one, 'big3')).toBe(true);
  });

  it('chains nodes that share a hash and tells them apart with equals', () => {
    const tier = new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    const equals = (snapshot: unknown, args: ArrayLike<unknown>): boolean => snapshot === args[0];
    for (const id of ['x', 'y', 'z'])
      table.insert(new MemoryNode(table, 7, id, id.toUpperCase(), Number.POSITIVE_INFINITY, 0));
    expect(table.find(7, equals, ['y'], undefined)?.value).toBe('Y');
    const y = table.find(7, equals, ['y'], undefined) as MemoryNode;
    table.remove(y);
    expect(table.find(7, equals, ['y'], undefined)).toBeUndefined();
    expect(table.find(7, equals, ['x'], undefined)?.value).toBe('X');
    expect(table.find(7, equals, ['z'], undefined)?.value).toBe('Z');
    table.clear();
    expect(tier.entries).toBe(0);
    expect(tier.bytes).toBe(0);
  });
});

describe('memory tier chains and limits (mutants that survived the tests above)', () => {
  const equals = (snapshot: unknown, args: ArrayLike<unknown>): boolean => snapshot === args[0];
  const node = (table: Table, id: string): MemoryNode =>
    new MemoryNode(table, 7, id, id.toUpperCase(), Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);

  it('removes a node from the head, the middle and the tail of a hash chain, and a removed one twice harmlessly', () => {
    const tier = new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => node(table, id)) as [
      MemoryNode,
      MemoryNode,
      MemoryNode,
      MemoryNode,
    ];
    for (const n of [a, b, c, d]) table.insert(n); // chain: d (head), c, b, a (tail)
    const left = (): string[] =>
      ['a', 'b', 'c', 'd'].filter((id) => table.find(7, equals, [id], undefined) !== undefined);
    table.remove(c); // middle
    expect(left()).toEqual(['a', 'b', 'd']);
    table.remove(a); // tail
    expect(left()).toEqual(['b', 'd']);
    table.remove(a); // already gone: nothing changes, the counts stay right
    expect(tier.entries).toBe(2);
    table.remove(d); // head
    expect(left()).toEqual(['b']);
    expect(table.size).toBe(1);
    table.remove(b);
    expect(table.size).toBe(0);
    expect(tier.entries).toBe(0);
    expect(tier.bytes).toBe(0);
  });

  it('keeps the newest entry even when it alone is over the byte limit, and counts snapshots in bytes', () => {
    const tier = new MemoryTier({ maxEntries: 10, maxBytes: 1000 });
    const table = new Table(tier);
    add(table, 'small', 'x');
    add(table, 'huge', 'x'.repeat(5000));
    expect(has(table, 'small')).toBe(false);
    expect(has(table, 'huge')).toBe(true);
    expect(tier.entries).toBe(1);
    const plain = new Table(new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY }));
    const bare = new MemoryNode(plain, 1, undefined, 'v', Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    const kept = new MemoryNode(plain, 2, 'y'.repeat(1000), 'v', Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    plain.insert(bare);
    plain.insert(kept);
    expect(kept.size - bare.size).toBeGreaterThanOrEqual(1000);
  });

  it('gives a visited entry a second chance once, then drops it when it was not used again', () => {
    const tier = new MemoryTier({ maxEntries: 2, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    const a = add(table, 'a');
    add(table, 'b');
    tier.touch(a);
    add(table, 'c'); // a is visited: b goes
    expect(['a', 'b', 'c'].filter((k) => has(table, k))).toEqual(['a', 'c']);
    expect(a.visited).toBe(false);
    add(table, 'd'); // a moved to the newest end with its chance: c, now the oldest, goes
    expect(['a', 'c', 'd'].filter((k) => has(table, k))).toEqual(['a', 'd']);
    add(table, 'e'); // a was not used since its second chance: it goes now
    expect(['a', 'd', 'e'].filter((k) => has(table, k))).toEqual(['d', 'e']);
    tier.clear();
    expect([tier.entries, tier.bytes, table.size]).toEqual([0, 0, 0]);
  });
});
