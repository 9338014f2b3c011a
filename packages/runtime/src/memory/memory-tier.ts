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
 * arrays for the numbers and links, plain arrays for the values), so an entry costs its table's
 * `Map` entry and a few array elements, with no object header and no boxed numbers. Freed slots
 * go on a free list and are reused; the arrays are released when the tier empties. What only some
 * entries have (a stale window, a key text) lives in side maps.
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

/** The end of a chain or list in the link arrays. */
const NONE = -1;
/** Slots a tier starts with, and returns to when it empties. */
const INITIAL = 16;
/** Bytes counted per entry besides its value and snapshot (the limit is approximate). */
const ENTRY_BYTES = 96;
/** The most a slot's size can record; a larger entry counts as this many bytes. */
const MAX_SIZE = 0xffff_ffff;

export class MemoryTier {
  entries = 0;
  bytes = 0;
  /** Counts freed slots: a chain walk that sees it change while it ran reports no entry. */
  epoch = 0;

  // One element per slot. `hits` is what a hit returns: the value, or the promise of an async
  // function's value; `values` is the value itself. For a sync entry both hold the same value.
  hits: unknown[] = new Array(INITIAL);
  values: unknown[] = new Array(INITIAL);
  snapshots: unknown[] = new Array(INITIAL);
  hashes: unknown[] = new Array(INITIAL);
  /** The table that holds each slot (undefined while the slot is free). */
  tables: (Table | undefined)[] = new Array(INITIAL);
  /** Expiry time, ms since the epoch; Infinity for never. */
  expiresAt: Float64Array = new Float64Array(INITIAL);
  /** 1 once hit; cleared when eviction gives the entry its second chance. */
  visited: Uint8Array = new Uint8Array(INITIAL);
  /** Approximate bytes, for the byte limit. */
  sizes: Uint32Array = new Uint32Array(INITIAL);
  /** Next slot in the same hash chain, or in the free list for a free slot. */
  chain: Int32Array = new Int32Array(INITIAL);
  /** LRU neighbours: `newer` is towards the most recently used end. */
  newer: Int32Array = new Int32Array(INITIAL);
  older: Int32Array = new Int32Array(INITIAL);
  /** `staleUntil - expiresAt`, only for the entries where they differ. */
  private readonly staleFor = new Map<number, number>();
  private readonly keyTexts = new Map<number, string>();

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
    return this.values[slot];
  }

  /** What a hit on `slot` returns: the value, or the promise of an async function's value. */
  hit(slot: number): unknown {
    return this.hits[slot];
  }

  /** The promise an async function's hit returns, undefined for a sync entry. */
  promise(slot: number): Promise<unknown> | undefined {
    const hit = this.hits[slot];
    return hit === this.values[slot] ? undefined : (hit as Promise<unknown>);
  }

  snapshot(slot: number): unknown {
    return this.snapshots[slot];
  }

  /** The table holding `slot`. */
  table(slot: number): Table | undefined {
    return this.tables[slot];
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

  /** Stores `entry` for `table` in a free slot, as the newest entry; the caller evicts after chaining it. */
  add(table: Table, entry: MemoryEntry, chain: number): number {
    const size = Math.min(
      MAX_SIZE,
      ENTRY_BYTES +
        approximateSize(entry.value) +
        (entry.snapshot === undefined ? 0 : approximateSize(entry.snapshot, 200)),
    );
    const slot = this.allocate();
    const { expiresAt, staleUntil } = entry;
    this.hits[slot] = entry.promise ?? entry.value;
    this.values[slot] = entry.value;
    this.snapshots[slot] = entry.snapshot;
    this.hashes[slot] = entry.hash;
    this.tables[slot] = table;
    this.expiresAt[slot] = expiresAt;
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
    this.hits[slot] = undefined;
    this.values[slot] = undefined;
    this.snapshots[slot] = undefined;
    this.hashes[slot] = undefined;
    this.tables[slot] = undefined;
    this.staleFor.delete(slot);
    this.keyTexts.delete(slot);
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
        (this.tables[oldest] as Table).remove(oldest);
      }
    }
  }

  clear(): void {
    while (this.oldest !== NONE) (this.tables[this.oldest] as Table).remove(this.oldest);
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
    if (this.top === this.expiresAt.length) this.grow(this.top + (this.top >> 1));
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
      const to = new Array<T>(capacity);
      for (let i = 0; i < used; i++) to[i] = from[i] as T;
      return to;
    };
    this.hits = tagged(this.hits);
    this.values = tagged(this.values);
    this.snapshots = tagged(this.snapshots);
    this.hashes = tagged(this.hashes);
    this.tables = tagged(this.tables);
    this.expiresAt = copied(new Float64Array(capacity), this.expiresAt, used);
    this.visited = copied(new Uint8Array(capacity), this.visited, used);
    this.sizes = copied(new Uint32Array(capacity), this.sizes, used);
    this.chain = copied(new Int32Array(capacity), this.chain, used);
    this.newer = copied(new Int32Array(capacity), this.newer, used);
    this.older = copied(new Int32Array(capacity), this.older, used);
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

function copied<T extends Float64Array | Uint8Array | Uint32Array | Int32Array>(to: T, from: T, used: number): T {
  to.set(from.subarray(0, used) as never);
  return to;
}

/** One function's entries in a memory tier: a hash maps to the first slot of its chain. */
export class Table {
  readonly map: Map<unknown, number> = new Map();

  constructor(readonly tier: MemoryTier) {}

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
      const equal = equals(tier.snapshots[at], args, self);
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
      const equal = equalsAt(tier.snapshots[at], self, a, b, c);
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
    const head = this.map.get(entry.hash);
    const slot = this.tier.add(this, entry, head === undefined ? NONE : head);
    this.map.set(entry.hash, slot);
    this.tier.evict();
    return slot;
  }

  remove(slot: number): void {
    const tier = this.tier;
    if (tier.tables[slot] !== this) return; // not in this table (already removed)
    const hash = tier.hashes[slot];
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
  }
}
