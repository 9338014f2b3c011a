import { describe, expect, it } from 'vitest';
import { type MemoryEntry, MemoryTier, Table } from '../src/memory/memory-tier.js';

const forever = Number.POSITIVE_INFINITY;

function entry(
  hash: unknown,
  snapshot: unknown,
  value: unknown,
  expiresAt = forever,
  staleUntil = forever,
): MemoryEntry {
  return { hash, snapshot, value, expiresAt, staleUntil };
}

function add(table: Table, key: string, value: unknown = key): number {
  return table.insert(entry(key, undefined, value));
}

const has = (table: Table, key: string): boolean => table.find(key, undefined, [], undefined) !== undefined;

describe('memory tier', () => {
  it('gives back the stale window it was given, kept as an offset from the expiry', () => {
    const tier = new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    for (const [expiresAt, staleUntil] of [
      [forever, forever],
      [1000, 1000],
      [1000, 5000],
      [1000, forever],
      [1.5, 2.25],
    ] as const) {
      const node = tier.times(table.insert(entry(`${expiresAt}-${staleUntil}`, undefined, 1, expiresAt, staleUntil)));
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
    const value = (slot: number | undefined): unknown => (slot === undefined ? undefined : tier.value(slot));
    for (const id of ['x', 'y', 'z']) table.insert(entry(7, id, id.toUpperCase(), forever, 0));
    expect(value(table.find(7, equals, ['y'], undefined))).toBe('Y');
    const y = table.find(7, equals, ['y'], undefined) as number;
    table.remove(y);
    expect(table.find(7, equals, ['y'], undefined)).toBeUndefined();
    expect(value(table.find(7, equals, ['x'], undefined))).toBe('X');
    expect(value(table.find(7, equals, ['z'], undefined))).toBe('Z');
    table.clear();
    expect(tier.entries).toBe(0);
    expect(tier.bytes).toBe(0);
  });
});
