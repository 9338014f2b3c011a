import type { PositionalEquals } from '../key/encoder.js';
import { approximateSize } from './size.js';

/**
 * The in-process memory tier: entry and byte limits over many tables (one table per cached
 * function), with CLOCK eviction, the classic approximation of LRU: a hit only marks its entry
 * visited; eviction walks from the oldest entry, gives visited entries a second chance (moves
 * them to the newest end, unmarked) and drops the first unvisited one. A table maps a hash to a
 * chain of entries and tells equal arguments apart with the function's equality check, so a hit
 * never builds a key string.
 *
 * Entries are slots, not objects: a slot is an index into parallel arrays kept by the tier (typed
 * arrays for the numbers and links, two plain arrays for the value and the key), so an entry costs
 * its table's `Map` entry and a few array elements, with no object header and no boxed numbers.
 * Freed slots go on a free list and are reused; the arrays grow by a quarter and are released when
 * the tier empties. What only some entries have (an async function's settled value, a stale
 * window, a key text, a hash that is not an int32) lives in side maps.
 *
 * An entry keeps the snapshot it compares against (a copy of the keyed arguments, made by the
 * encoder), so a caller that mutates its argument afterwards cannot corrupt a hit; a function
 * whose hash is the key itself (a lone number or string parameter) keeps none. It keeps the value
 * itself, not a copy.
 *
 * A slot number is only good until the tier changes: readers take what they need from a slot
 * before running any code that may store or evict (an equality check reading a getter may call
 * a cached function). `epoch` counts freed slots so a chain walk can tell that happened.
 */

/** Compares a stored snapshot with the arguments of a call. */
export type Equals = (snapshot: unknown, args: ArrayLike<unknown>, self: unknown) => boolean;

export interface MemoryLimits {
  /** Most entries kept; least recently used are dropped first. */
  readonly maxEntries: number;
  /** Approximate most bytes kept (values and snapshots). */
  readonly maxBytes: number;
}

/** What a slot holds when it is stored: `hit` is what a hit returns (the value, or its promise). */
export interface MemoryEntry {
  readonly hash: unknown;
  readonly snapshot: unknown;
  readonly value: unknown;
  /** The promise handed to callers of an async function; undefined for a sync one. */
  readonly promise?: Promise<unknown> | undefined;
  readonly expiresAt: number;
  /** End of the stale-while-revalidate window (`expiresAt` when there is none). */
  readonly staleUntil: number;
  /** The entry's key text, when one was built (the function has persistent tiers). */
  readonly keyText?: string | undefined;
}

/**
 * The end of a chain or list in the link arrays. Compiled wrappers walk chains themselves (the
 * compiler's `hitPath`, reading a table's `map` and its tier's `keys`, `chain` and `epoch`), with
 * this value written in.
 */
const NONE = -1;
/** Slots a tier starts with, and returns to when it empties. */
const INITIAL = 16;
/** Bytes counted per entry besides its value and snapshot (the limit is approximate). */
const ENTRY_BYTES = 96;
/** The most a slot's size can record; a larger entry counts as this many bytes. */
const MAX_SIZE = 0xffff_ffff;
/** The table id of a free slot. */
const FREE = 0xffff_ffff;

export class MemoryTier {
  entries = 0;
  bytes = 0;
  /** Counts freed slots: a chain walk that sees it change while it ran reports no entry. */
  epoch = 0;

  // One element per slot.
  /** What a hit returns: the value, or for an async function the promise of its value. */
  hits: unknown[] = column(INITIAL);
  /** The snapshot a keyed table compares against; the hash itself in a table without snapshots. */
  keys: unknown[] = column(INITIAL);
  /** The hash of a keyed table's entry, when it is an int32 (generated hashes are). */
  hashBits: Int32Array = new Int32Array(INITIAL);
  /** The id of the table that holds each slot (`FREE` while the slot is free). */
  tableIds: Uint32Array = new Uint32Array(INITIAL);
  /** Expiry time, ms since the epoch; Infinity for never. */
  expiresAt: Float64Array = new Float64Array(INITIAL);
  /**
   * 1 once hit; cleared when eviction gives the entry its second chance. A plain array of small
   * integers, not a typed array: the hit path writes it, and a small-integer store there is cheaper.
   */
  visited: number[] = flags(INITIAL);
  /** Approximate bytes, for the byte limit. */
  sizes: Uint32Array = new Uint32Array(INITIAL);
  /** Next slot in the same hash chain, or in the free list for a free slot. */
  chain: Int32Array = new Int32Array(INITIAL);
  /** LRU neighbours: `newer` is towards the most recently used end. */
  newer: Int32Array = new Int32Array(INITIAL);
  older: Int32Array = new Int32Array(INITIAL);
  /** The value of an async function's entry (`hits` holds its promise). */
  private readonly settled = new Map<number, unknown>();
  /** The hash of a keyed table's entry, when it is not an int32. */
  private readonly wideHashes = new Map<number, unknown>();
  /** `staleUntil - expiresAt`, only for the entries where they differ. */
  private readonly staleFor = new Map<number, number>();
  private readonly keyTexts = new Map<number, string>();
  /** Tables by id, while they hold entries; `freeIds` lists ids to reuse. */
  private readonly tables: (Table | undefined)[] = [];
  private readonly freeIds: number[] = [];

  private newest = NONE;
  private oldest = NONE;
  /** Slots below `top` have been used; free ones among them are listed from `free`. */
  private top = 0;
  private free = NONE;

  constructor(public limits: MemoryLimits) {}

  /** Marks `slot` used (what a hit does; the hot path sets `visited` itself). */
  touch(slot: number): void {
    this.visited[slot] = 1;
  }

  /** The value in `slot`. */
  value(slot: number): unknown {
    if (this.settled.size > 0 && this.settled.has(slot)) return this.settled.get(slot);
    return this.hits[slot];
  }

  /** What a hit on `slot` returns: the value, or the promise of an async function's value. */
  hit(slot: number): unknown {
    return this.hits[slot];
  }

  /** The promise an async function's hit returns, undefined for a sync one. */
  promise(slot: number): Promise<unknown> | undefined {
    if (this.settled.size === 0 || !this.settled.has(slot)) return undefined;
    return this.hits[slot] as Promise<unknown>;
  }

  /** The table holding `slot`, undefined for a free slot. */
  table(slot: number): Table | undefined {
    const id = this.tableIds[slot] as number;
    return id === FREE ? undefined : this.tables[id];
  }

  /** End of the stale-while-revalidate window of `slot`. */
  staleUntil(slot: number): number {
    const expiresAt = this.expiresAt[slot] as number;
    const staleFor = this.staleFor.get(slot);
    return staleFor === undefined ? expiresAt : expiresAt + staleFor;
  }

  keyText(slot: number): string | undefined {
    return this.keyTexts.get(slot);
  }

  /** True while `slot` has not expired at `now`. */
  isFresh(slot: number, now: number): boolean {
    const expiresAt = this.expiresAt[slot] as number;
    return expiresAt === Number.POSITIVE_INFINITY || expiresAt > now;
  }

  /** The times of `slot`, copied out (safe to keep after the tier changes). */
  times(slot: number): { expiresAt: number; staleUntil: number } {
    return { expiresAt: this.expiresAt[slot] as number, staleUntil: this.staleUntil(slot) };
  }

  /** The hash `slot` was stored under, in a `keyed` table (one with snapshots) or not. */
  hashOf(slot: number, keyed: boolean): unknown {
    if (!keyed) return this.keys[slot];
    if (this.wideHashes.size > 0 && this.wideHashes.has(slot)) return this.wideHashes.get(slot);
    return this.hashBits[slot];
  }

  /** A table's id, given on its first entry. */
  register(table: Table): number {
    const id = this.freeIds.pop() ?? this.tables.length;
    this.tables[id] = table;
    this.share(table);
    return id;
  }

  /** Forgets an empty table's id, for reuse. */
  unregister(id: number): void {
    this.tables[id] = undefined;
    this.freeIds.push(id);
  }

  /** Stores `entry` for `table` in a free slot, as the newest entry; the caller evicts after chaining it. */
  add(table: Table, entry: MemoryEntry, chain: number): number {
    const size = Math.min(
      MAX_SIZE,
      ENTRY_BYTES +
        approximateSize(entry.value) +
        (entry.snapshot === undefined ? 0 : approximateSize(entry.snapshot, 200)),
    );
    const slot = this.allocate();
    const { expiresAt, staleUntil, hash } = entry;
    if (entry.promise === undefined) this.hits[slot] = entry.value;
    else {
      this.hits[slot] = entry.promise;
      this.settled.set(slot, entry.value);
    }
    if (!table.keyed) this.keys[slot] = hash;
    else {
      this.keys[slot] = entry.snapshot;
      if (typeof hash === 'number' && (hash | 0) === hash) this.hashBits[slot] = hash;
      else this.wideHashes.set(slot, hash);
    }
    this.tableIds[slot] = table.id;
    this.expiresAt[slot] = expiresAt;
    if (expiresAt !== Number.POSITIVE_INFINITY) table.mortal++;
    this.visited[slot] = 0;
    this.sizes[slot] = size;
    this.chain[slot] = chain;
    if (staleUntil !== expiresAt) this.staleFor.set(slot, staleUntil - expiresAt);
    if (entry.keyText !== undefined) this.keyTexts.set(slot, entry.keyText);
    this.entries++;
    this.bytes += size;
    this.linkNewest(slot);
    return slot;
  }

  /** Frees `slot`, which its table has already unchained. */
  release(slot: number): void {
    this.entries--;
    this.bytes -= this.sizes[slot] as number;
    this.unlink(slot);
    if (this.expiresAt[slot] !== Number.POSITIVE_INFINITY) (this.table(slot) as Table).mortal--;
    this.hits[slot] = undefined;
    this.keys[slot] = undefined;
    this.tableIds[slot] = FREE;
    if (this.settled.size > 0) this.settled.delete(slot);
    if (this.wideHashes.size > 0) this.wideHashes.delete(slot);
    if (this.staleFor.size > 0) this.staleFor.delete(slot);
    if (this.keyTexts.size > 0) this.keyTexts.delete(slot);
    this.epoch++;
    if (this.entries === 0) {
      this.reset();
      return;
    }
    this.chain[slot] = this.free;
    this.free = slot;
  }

  /** Drops entries not used lately until both limits hold (the newest entry always stays). */
  evict(): void {
    const { maxEntries, maxBytes } = this.limits;
    while ((this.entries > maxEntries || this.bytes > maxBytes) && this.oldest !== NONE && this.entries > 1) {
      const oldest = this.oldest;
      if (this.visited[oldest] === 1 && oldest !== this.newest) {
        this.visited[oldest] = 0;
        this.unlink(oldest);
        this.linkNewest(oldest);
      } else {
        (this.table(oldest) as Table).remove(oldest);
      }
    }
  }

  clear(): void {
    while (this.oldest !== NONE) (this.table(this.oldest) as Table).remove(this.oldest);
  }

  /** Slots in use, oldest first (for tests and inspection). */
  *slots(): IterableIterator<number> {
    for (let slot = this.oldest; slot !== NONE; slot = this.newer[slot] as number) yield slot;
  }

  private allocate(): number {
    const free = this.free;
    if (free !== NONE) {
      this.free = this.chain[free] as number;
      return free;
    }
    if (this.top === this.expiresAt.length) this.grow(this.top + (this.top >> 2));
    return this.top++;
  }

  /** Empty: back to a few slots, so a cleared tier gives its arrays back. */
  private reset(): void {
    this.top = 0;
    this.free = NONE;
    this.newest = NONE;
    this.oldest = NONE;
    if (this.expiresAt.length > INITIAL) this.resize(INITIAL, 0);
  }

  private grow(capacity: number): void {
    this.resize(capacity, this.top);
  }

  private resize(capacity: number, used: number): void {
    const tagged = <T>(from: T[]): T[] => {
      const to = column(capacity) as T[];
      for (let i = 0; i < used; i++) to[i] = from[i] as T;
      return to;
    };
    this.hits = tagged(this.hits);
    this.keys = tagged(this.keys);
    this.hashBits = copied(new Int32Array(capacity), this.hashBits, used);
    this.tableIds = copied(new Uint32Array(capacity), this.tableIds, used);
    this.expiresAt = copied(new Float64Array(capacity), this.expiresAt, used);
    const visited = flags(capacity);
    for (let i = 0; i < used; i++) visited[i] = this.visited[i] as number;
    this.visited = visited;
    this.sizes = copied(new Uint32Array(capacity), this.sizes, used);
    this.chain = copied(new Int32Array(capacity), this.chain, used);
    this.newer = copied(new Int32Array(capacity), this.newer, used);
    this.older = copied(new Int32Array(capacity), this.older, used);
    for (const table of this.tables) if (table !== undefined) this.share(table);
  }

  /** Hands a table the columns a hit reads, so the hot path reaches them in one field load. */
  private share(table: Table): void {
    table.hits = this.hits;
    table.expiresAt = this.expiresAt;
    table.visited = this.visited;
  }

  private linkNewest(slot: number): void {
    this.older[slot] = this.newest;
    this.newer[slot] = NONE;
    if (this.newest !== NONE) this.newer[this.newest] = slot;
    this.newest = slot;
    if (this.oldest === NONE) this.oldest = slot;
  }

  private unlink(slot: number): void {
    const newer = this.newer[slot] as number;
    const older = this.older[slot] as number;
    if (newer !== NONE) this.older[newer] = older;
    else this.newest = older;
    if (older !== NONE) this.newer[older] = newer;
    else this.oldest = newer;
    this.newer[slot] = NONE;
    this.older[slot] = NONE;
  }
}

/** A column of 0/1 flags: a packed array of small integers. */
function flags(capacity: number): number[] {
  return new Array<number>(capacity).fill(0);
}

/** A plain column without holes (a packed array reads without a hole check). */
function column(capacity: number): unknown[] {
  return new Array(capacity).fill(undefined);
}

function copied<T extends Float64Array | Uint32Array | Int32Array>(to: T, from: T, used: number): T {
  to.set(from.subarray(0, used) as never);
  return to;
}

/**
 * One function's entries in a memory tier: a hash maps to the first slot of its chain. A keyed
 * table keeps each entry's snapshot for its equality check; a table whose hash is the whole key
 * (`keyed` false: a lone number or string parameter, key texts) keeps the hash in its place.
 */
export class Table {
  readonly map: Map<unknown, number> = new Map();
  /** The id its slots carry in the tier, while it holds entries. */
  id: number = FREE;
  /**
   * The tier's `hits`, `expiresAt` and `visited` columns, kept current by the tier while the table
   * holds entries (a slot found in `map` can be read through them).
   */
  hits: unknown[];
  expiresAt: Float64Array;
  visited: number[];
  /** Entries that expire (a finite `expiresAt`): while none do, a hit reads no time and no clock. */
  mortal = 0;

  constructor(
    readonly tier: MemoryTier,
    readonly keyed = true,
  ) {
    this.hits = tier.hits;
    this.expiresAt = tier.expiresAt;
    this.visited = tier.visited;
  }

  /** The snapshot `slot` compares against (undefined in a table that keeps none). */
  snapshot(slot: number): unknown {
    return this.keyed ? this.tier.keys[slot] : undefined;
  }

  get size(): number {
    return this.map.size;
  }

  /**
   * The slot for these arguments, or undefined. `equals` is undefined when `hash` is the full
   * key. If a slot was freed while the equality checks ran (they may run a getter that calls a
   * cached function), the walk reports no entry rather than trust a reused slot.
   */
  find(hash: unknown, equals: Equals | undefined, args: ArrayLike<unknown>, self: unknown): number | undefined {
    const slot = this.map.get(hash);
    if (equals === undefined || slot === undefined) return slot;
    const tier = this.tier;
    const epoch = tier.epoch;
    for (let at = slot; at !== NONE; at = tier.chain[at] as number) {
      const equal = equals(tier.keys[at], args, self);
      if (tier.epoch !== epoch) return undefined;
      if (equal) return at;
    }
    return undefined;
  }

  /** `find` for the fixed-arity path: the chain from `head`, compared with the positional equality. */
  findAt(
    head: number,
    equalsAt: PositionalEquals,
    self: unknown,
    a: unknown,
    b: unknown,
    c: unknown,
  ): number | undefined {
    const tier = this.tier;
    const epoch = tier.epoch;
    for (let at = head; at !== NONE; at = tier.chain[at] as number) {
      const equal = equalsAt(tier.keys[at], self, a, b, c);
      if (tier.epoch !== epoch) return undefined;
      if (equal) return at;
    }
    return undefined;
  }

  /** Removes the entries whose key text is `text`. */
  removeKeyText(text: string): void {
    const tier = this.tier;
    for (const head of [...this.map.values()]) {
      let slot = head;
      while (slot !== NONE) {
        const next = tier.chain[slot] as number;
        if (tier.keyText(slot) === text) this.remove(slot);
        slot = next;
      }
    }
  }

  /** Adds `entry` at the head of its chain; the caller has removed any entry for equal arguments first. */
  insert(entry: MemoryEntry): number {
    if (this.id === FREE) this.id = this.tier.register(this);
    const head = this.map.get(entry.hash);
    const slot = this.tier.add(this, entry, head === undefined ? NONE : head);
    this.map.set(entry.hash, slot);
    this.tier.evict();
    return slot;
  }

  remove(slot: number): void {
    const tier = this.tier;
    if (this.id === FREE || tier.tableIds[slot] !== this.id) return; // not in this table (already removed)
    const hash = tier.hashOf(slot, this.keyed);
    const head = this.map.get(hash);
    const next = tier.chain[slot] as number;
    if (head === slot) {
      if (next === NONE) this.map.delete(hash);
      else this.map.set(hash, next);
    } else {
      let prev = head === undefined ? NONE : head;
      while (prev !== NONE && tier.chain[prev] !== slot) prev = tier.chain[prev] as number;
      if (prev === NONE) return;
      tier.chain[prev] = next;
    }
    tier.release(slot);
    if (this.map.size === 0) this.forget();
  }

  /** An empty table gives its id back (ids of tables that come and go are reused). */
  private forget(): void {
    if (this.id === FREE) return;
    this.tier.unregister(this.id);
    this.id = FREE;
  }

  clear(): void {
    const tier = this.tier;
    const heads = [...this.map.values()];
    this.map.clear();
    for (const head of heads) {
      let slot = head;
      while (slot !== NONE) {
        const next = tier.chain[slot] as number;
        tier.release(slot);
        slot = next;
      }
    }
    this.forget();
  }
}
