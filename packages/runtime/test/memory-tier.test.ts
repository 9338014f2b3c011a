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

/**
 * The tier before slots, as a reference: a list from oldest to newest, a visited flag per entry,
 * CLOCK eviction past `maxEntries`. The slot tier must keep exactly the entries it keeps.
 */
class ReferenceClock {
  readonly order: string[] = [];
  readonly visited = new Set<string>();

  constructor(private readonly maxEntries: number) {}

  add(key: string): void {
    this.remove(key);
    this.order.push(key);
    while (this.order.length > this.maxEntries && this.order.length > 1) {
      const oldest = this.order[0] as string;
      this.order.shift();
      if (this.visited.has(oldest)) {
        this.visited.delete(oldest);
        this.order.push(oldest);
      }
    }
  }

  touch(key: string): void {
    if (this.order.includes(key)) this.visited.add(key);
  }

  remove(key: string): void {
    const at = this.order.indexOf(key);
    if (at >= 0) this.order.splice(at, 1);
    this.visited.delete(key);
  }
}

/** A small deterministic generator (xorshift), so a failure replays. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('memory tier slots', () => {
  it('evicts, touches and removes as the list-based CLOCK did, across tables and slot reuse', () => {
    for (const seed of [1, 2, 3, 4]) {
      const next = random(seed);
      const tier = new MemoryTier({ maxEntries: 40, maxBytes: Number.POSITIVE_INFINITY });
      const tables = [new Table(tier), new Table(tier, false)];
      const reference = new ReferenceClock(40);
      const slotOf = (name: string): number | undefined => {
        const table = tables[Number(name[0])] as Table;
        return table.find(name, table.keyed ? (s, args) => s === args[0] : undefined, [name], undefined);
      };
      for (let step = 0; step < 3000; step++) {
        const name = `${Math.floor(next() * 2)}:${Math.floor(next() * 90)}`;
        const table = tables[Number(name[0])] as Table;
        const roll = next();
        const slot = slotOf(name);
        if (roll < 0.5) {
          if (slot !== undefined) table.remove(slot);
          table.insert(entry(name, name, `value of ${name}`, next() < 0.3 ? 1000 : forever));
          reference.add(name);
        } else if (roll < 0.85) {
          if (slot !== undefined) tier.touch(slot);
          reference.touch(name);
        } else {
          if (slot !== undefined) table.remove(slot);
          reference.remove(name);
        }
        expect(tier.entries).toBe(reference.order.length);
        // A hit reads no expiry while its table counts no entry that expires: the count must be exact.
        for (const t of tables) {
          const expiring = [...tier.slots()].filter((s) => tier.table(s) === t && tier.expiresAt[s] !== forever);
          expect(t.mortal).toBe(expiring.length);
        }
      }
      const kept = [...tier.slots()].map((slot) => tier.value(slot));
      expect(kept).toEqual(reference.order.map((name) => `value of ${name}`));
      for (const name of reference.order) expect(tier.value(slotOf(name) as number)).toBe(`value of ${name}`);
    }
  });

  it('reuses freed slots, and a cleared tier gives its arrays back', () => {
    const tier = new MemoryTier({ maxEntries: 100, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier, false);
    for (let i = 0; i < 1000; i++) add(table, `k${i}`);
    const capacity = tier.expiresAt.length;
    expect(capacity).toBeLessThan(200); // 100 entries at most, the rest reused evicted slots
    expect(tier.entries).toBe(100);
    table.clear();
    expect([tier.entries, tier.bytes, table.size]).toEqual([0, 0, 0]);
    expect(tier.expiresAt.length).toBeLessThan(capacity);
    expect(tier.hits.length).toBe(tier.expiresAt.length);
    add(table, 'again');
    expect(tier.value(table.find('again', undefined, [], undefined) as number)).toBe('again');
  });

  it('keeps what only some entries have: the settled value of a promise, a key text, a wide hash', async () => {
    const tier = new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    const equals = (snapshot: unknown, args: ArrayLike<unknown>): boolean => snapshot === args[0];
    const promise = Promise.resolve('settled');
    for (const hash of [7, 1.5, 'text', 2 ** 40]) {
      table.insert({ ...entry(hash, `s${hash}`, 'settled'), promise, keyText: `key ${hash}` });
      const slot = table.find(hash, equals, [`s${hash}`], undefined) as number;
      expect([tier.value(slot), tier.hit(slot), tier.promise(slot), tier.keyText(slot)]).toEqual([
        'settled',
        promise,
        promise,
        `key ${hash}`,
      ]);
      await expect(tier.hit(slot)).resolves.toBe('settled');
    }
    table.insert(entry(8, 's8', 'sync'));
    const sync = table.find(8, equals, ['s8'], undefined) as number;
    expect([tier.value(sync), tier.hit(sync), tier.promise(sync), tier.keyText(sync)]).toEqual([
      'sync',
      'sync',
      undefined,
      undefined,
    ]);
    table.removeKeyText('key 1.5');
    table.removeKeyText('key text');
    expect(table.find(1.5, equals, ['s1.5'], undefined)).toBeUndefined();
    expect(table.find('text', equals, ['stext'], undefined)).toBeUndefined();
    for (const hash of [7, 2 ** 40, 8]) expect(table.find(hash, equals, [`s${hash}`], undefined)).toBeDefined();
    table.clear();
    expect([tier.entries, table.size]).toEqual([0, 0]);
  });

  it('reports no entry when an equality check frees slots, rather than follow a reused one', () => {
    const tier = new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY });
    const mine = new Table(tier);
    const other = new Table(tier);
    const same = (snapshot: unknown, args: ArrayLike<unknown>): boolean => snapshot === args[0];
    mine.insert(entry(1, 'a', 'mine a'));
    mine.insert(entry(1, 'b', 'mine b'));
    other.insert(entry(1, 'x', 'other x'));
    // The walk compares with 'b' first; meanwhile 'a' and 'b' go and the other table reuses the
    // slot of 'b', chaining it to its own 'x': a walk that went on would find the other table's 'x'.
    let fired = false;
    const reentrant = (snapshot: unknown, args: ArrayLike<unknown>): boolean => {
      if (!fired) {
        fired = true;
        mine.remove(mine.find(1, same, ['a'], undefined) as number);
        mine.remove(mine.find(1, same, ['b'], undefined) as number);
        other.insert(entry(1, 'y', 'other y'));
      }
      return same(snapshot, args);
    };
    expect(mine.find(1, reentrant, ['x'], undefined)).toBeUndefined();
    fired = false;
    mine.insert(entry(1, 'b', 'mine b'));
    const head = mine.map.get(1) as number;
    expect(mine.findAt(head, (s, _self, a) => reentrant(s, [a]), undefined, 'x', undefined, undefined)).toBeUndefined();
  });
});

describe('memory tier chains and limits (mutants that survived the tests above)', () => {
  const equals = (snapshot: unknown, args: ArrayLike<unknown>): boolean => snapshot === args[0];

  it('removes a slot from the head, the middle and the tail of a hash chain, and a removed one twice harmlessly', () => {
    const tier = new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => table.insert(entry(7, id, id.toUpperCase()))) as [
      number,
      number,
      number,
      number,
    ]; // chain: d (head), c, b, a (tail)
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
    const plainTier = new MemoryTier({ maxEntries: 10, maxBytes: Number.POSITIVE_INFINITY });
    const plain = new Table(plainTier);
    const bare = plain.insert(entry(1, undefined, 'v'));
    const kept = plain.insert(entry(2, 'y'.repeat(1000), 'v'));
    expect((plainTier.sizes[kept] as number) - (plainTier.sizes[bare] as number)).toBeGreaterThanOrEqual(1000);
  });

  it('gives a visited entry a second chance once, then drops it when it was not used again', () => {
    const tier = new MemoryTier({ maxEntries: 2, maxBytes: Number.POSITIVE_INFINITY });
    const table = new Table(tier);
    const a = add(table, 'a');
    add(table, 'b');
    tier.touch(a);
    add(table, 'c'); // a is visited: b goes
    expect(['a', 'b', 'c'].filter((k) => has(table, k))).toEqual(['a', 'c']);
    expect(tier.visited[a]).toBe(0);
    add(table, 'd'); // a moved to the newest end with its chance: c, now the oldest, goes
    expect(['a', 'c', 'd'].filter((k) => has(table, k))).toEqual(['a', 'd']);
    add(table, 'e'); // a was not used since its second chance: it goes now
    expect(['a', 'd', 'e'].filter((k) => has(table, k))).toEqual(['d', 'e']);
    tier.clear();
    expect([tier.entries, tier.bytes, table.size]).toEqual([0, 0, 0]);
  });
});

describe('memory tier ids, freed slots and the exact byte limit (mutants that survived the tests above)', () => {
  /** A tier with one entry that stays, so removing others never empties it (emptying resets everything). */
  function keptTier(): { tier: MemoryTier; keep: Table } {
    const tier = new MemoryTier({ maxEntries: 100, maxBytes: Number.POSITIVE_INFINITY });
    const keep = new Table(tier, false);
    add(keep, 'kept');
    return { tier, keep };
  }

  it('gives an emptied table id to the next table, and a returning table a new one', () => {
    const { tier, keep } = keptTier();
    const gone = new Table(tier, false);
    add(gone, 'a');
    const goneId = gone.id;
    expect(goneId).not.toBe(keep.id);
    gone.remove(gone.find('a', undefined, [], undefined) as number);
    expect(gone.id).toBe(0xffff_ffff); // no id while empty
    const next = new Table(tier, false);
    const nextSlot = add(next, 'b');
    expect(next.id).toBe(goneId); // reused, not a new one
    const againSlot = add(gone, 'c');
    expect(new Set([keep.id, next.id, gone.id]).size).toBe(3);
    expect(tier.table(nextSlot)).toBe(next);
    expect(tier.table(againSlot)).toBe(gone);
  });

  it('keeps no reference to a table that emptied', () => {
    const { tier, keep } = keptTier();
    const gone = new Table(tier, false);
    add(gone, 'a');
    gone.clear();
    const before = gone.hits;
    for (let i = 0; i < 40; i++) add(keep, `grow ${i}`); // the tier's columns grow: held tables get the new ones
    expect(keep.hits).toBe(tier.hits);
    expect(gone.hits).toBe(before);
  });

  it('does not give out an id when a table without one is cleared', () => {
    const { tier } = keptTier();
    const empty = new Table(tier, false);
    empty.clear();
    empty.clear();
    const next = new Table(tier, false);
    const slot = add(next, 'b');
    expect(next.id).not.toBe(0xffff_ffff);
    expect(tier.table(slot)).toBe(next);
    next.remove(slot);
    expect(has(next, 'b')).toBe(false);
  });

  it('forgets the key text of a freed slot: the entry that takes the slot is not dropped by it', () => {
    const { tier } = keptTier();
    const before = new Table(tier, false);
    const freed = before.insert({ ...entry('a', undefined, 'a'), keyText: 'text of a' });
    before.remove(freed);
    const after = new Table(tier, false);
    const slot = add(after, 'b');
    expect(slot).toBe(freed);
    expect(tier.keyText(slot)).toBeUndefined();
    after.removeKeyText('text of a');
    expect(has(after, 'b')).toBe(true);
  });

  it('keeps entries that fill the byte limit exactly', () => {
    const each = 96 + 16 + 2; // an entry's own bytes and a one-letter string value; no snapshot
    const tier = new MemoryTier({ maxEntries: 100, maxBytes: 2 * each });
    const table = new Table(tier, false);
    add(table, 'a');
    add(table, 'b');
    expect(tier.bytes).toBe(2 * each);
    expect(['a', 'b'].filter((k) => has(table, k))).toEqual(['a', 'b']);
    add(table, 'c'); // one over: the oldest goes
    expect(['a', 'b', 'c'].filter((k) => has(table, k))).toEqual(['b', 'c']);
  });
});
