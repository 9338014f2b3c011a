/**
 * `Table.snapshot(slot)`: what a memory hit hands on as the entry's keyed arguments (the context
 * tier copies it, a refresh keys its run with it). A keyed table gives back the snapshot each
 * entry was stored with, the object itself, through slot reuse and the arrays' growth; a table
 * whose hash is the whole key keeps none and gives undefined, not the hash kept in its place.
 */
import { describe, expect, it } from 'vitest';
import { type MemoryEntry, MemoryTier, Table } from '../src/memory/memory-tier.js';

const forever = Number.POSITIVE_INFINITY;

function entry(hash: unknown, snapshot: unknown, value: unknown): MemoryEntry {
  return { hash, snapshot, value, expiresAt: forever, staleUntil: forever };
}

const unlimited = (): MemoryTier => new MemoryTier({ maxEntries: 10_000, maxBytes: forever });

describe('Table.snapshot', () => {
  it('gives each entry of a keyed table the snapshot it was stored with, the same object', () => {
    const table = new Table(unlimited());
    const snapshots = [[1, 'a'], { user: 7 }, ['x'], 'text', 0];
    // Hashes 1, 2, 1, 2, 1: entries share chains, so slot order and chain order differ.
    const slots = snapshots.map((snapshot, i) => table.insert(entry((i % 2) + 1, snapshot, `value ${i}`)));
    expect(new Set(slots).size).toBe(snapshots.length);
    slots.forEach((slot, i) => {
      expect(table.snapshot(slot)).toBe(snapshots[i]);
    });
  });

  it('gives undefined in a table whose hash is the whole key, though the hash is kept in its place', () => {
    const tier = unlimited();
    const table = new Table(tier, false);
    const slot = table.insert(entry('the whole key', undefined, 'v'));
    expect(tier.hashOf(slot, false)).toBe('the whole key');
    expect(table.snapshot(slot)).toBeUndefined();
  });

  it('gives a reused slot its new entry’s snapshot, never the one freed there', () => {
    const tier = unlimited();
    const table = new Table(tier);
    const keep = table.insert(entry(1, { n: 'kept' }, 'k'));
    const freed = table.insert(entry(2, { n: 'freed' }, 'f'));
    table.remove(freed);
    const reused = table.insert(entry(3, { n: 'new' }, 'n'));
    expect(reused).toBe(freed); // the free list hands the slot back
    expect(table.snapshot(reused)).toEqual({ n: 'new' });
    expect(table.snapshot(keep)).toEqual({ n: 'kept' });
  });

  it('keeps every snapshot as the arrays grow past their first 16 slots, across tables', () => {
    const tier = unlimited();
    const one = new Table(tier);
    const two = new Table(tier);
    const stored: [Table, number, object][] = [];
    for (let i = 0; i < 100; i++) {
      const table = i % 3 === 0 ? two : one;
      const snapshot = { i };
      stored.push([table, table.insert(entry(i, snapshot, i)), snapshot]);
    }
    for (const [table, slot, snapshot] of stored) expect(table.snapshot(slot)).toBe(snapshot);
  });

  it('follows the entry an eviction leaves, not the one it drops', () => {
    const tier = new MemoryTier({ maxEntries: 2, maxBytes: forever });
    const table = new Table(tier);
    const first = table.insert(entry(1, ['first'], 1));
    const second = table.insert(entry(2, ['second'], 2));
    tier.touch(first); // second chance for the first: the second goes
    const third = table.insert(entry(3, ['third'], 3));
    expect(table.find(2, () => true, [], undefined)).toBeUndefined();
    expect([table.snapshot(first), table.snapshot(third)]).toEqual([['first'], ['third']]);
    expect(table.snapshot(second)).toBeUndefined(); // the dropped entry's slot lets its arguments go
  });
});
