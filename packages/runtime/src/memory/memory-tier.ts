import { approximateSize } from './size.js';

/**
 * The in-process memory tier: entry and byte limits over many tables (one table per cached
 * function), with CLOCK eviction, the classic approximation of LRU: a hit only marks its node
 * `visited`; eviction walks from the oldest node, gives visited nodes a second chance (moves
 * them to the newest end, unmarked) and drops the first unvisited one. A table maps a hash to a chain of nodes and tells equal
 * arguments apart with the function's equality check, so a hit never builds a key string.
 *
 * A node keeps the snapshot it compares against (a copy of the keyed arguments, made by the
 * encoder), so a caller that mutates its argument afterwards cannot corrupt a hit. It keeps the
 * value itself, not a copy.
 */

/** Compares a stored snapshot with the arguments of a call. */
export type Equals = (snapshot: unknown, args: ArrayLike<unknown>, self: unknown) => boolean;

export interface MemoryLimits {
  /** Most entries kept; least recently used are dropped first. */
  readonly maxEntries: number;
  /** Approximate most bytes kept (values and snapshots). */
  readonly maxBytes: number;
}

/**
 * One entry. Every field is a pointer-sized slot and a number that is not a small integer is a
 * box of its own, so a node keeps only what some path reads: no creation time (the persistent
 * tiers keep theirs), and the stale window as an offset from `expiresAt` that is usually absent.
 */
export class MemoryNode {
  /** Next node in the same hash chain. */
  chain: MemoryNode | undefined = undefined;
  /** LRU neighbours: `newer` is towards the most recently used end. */
  newer: MemoryNode | undefined = undefined;
  older: MemoryNode | undefined = undefined;
  /** The entry's key text, when one was built (the function has persistent tiers). */
  keyText: string | undefined = undefined;
  /** Set on every hit; cleared when eviction gives the node its second chance. */
  visited = false;
  /** The promise handed to callers of an async function, made once on the first hit. */
  promise: Promise<unknown> | undefined = undefined;
  size = 0;
  /** `staleUntil - expiresAt`, undefined when they are equal (no stale window, or forever). */
  private readonly staleFor: number | undefined;

  constructor(
    readonly table: Table,
    readonly hash: unknown,
    readonly snapshot: unknown,
    readonly value: unknown,
    readonly expiresAt: number,
    staleUntil: number,
  ) {
    this.staleFor = staleUntil === expiresAt ? undefined : staleUntil - expiresAt;
  }

  /** End of the stale-while-revalidate window. */
  get staleUntil(): number {
    return this.staleFor === undefined ? this.expiresAt : this.expiresAt + this.staleFor;
  }
}

export class MemoryTier {
  entries = 0;
  bytes = 0;
  private newest: MemoryNode | undefined = undefined;
  private oldest: MemoryNode | undefined = undefined;

  constructor(public limits: MemoryLimits) {}

  /** Marks `node` used (what a hit does; the hot path sets `visited` itself). */
  touch(node: MemoryNode): void {
    node.visited = true;
  }

  add(node: MemoryNode): void {
    node.size =
      96 + approximateSize(node.value) + (node.snapshot === undefined ? 0 : approximateSize(node.snapshot, 200));
    this.entries++;
    this.bytes += node.size;
    this.linkNewest(node);
    this.evict();
  }

  remove(node: MemoryNode): void {
    this.entries--;
    this.bytes -= node.size;
    this.unlink(node);
  }

  /** Drops entries not used lately until both limits hold (the newest entry always stays). */
  evict(): void {
    const { maxEntries, maxBytes } = this.limits;
    while ((this.entries > maxEntries || this.bytes > maxBytes) && this.oldest !== undefined && this.entries > 1) {
      const oldest = this.oldest;
      if (oldest.visited && oldest !== this.newest) {
        oldest.visited = false;
        this.unlink(oldest);
        this.linkNewest(oldest);
      } else {
        oldest.table.remove(oldest);
      }
    }
  }

  clear(): void {
    while (this.oldest !== undefined) this.oldest.table.remove(this.oldest);
  }

  private linkNewest(node: MemoryNode): void {
    node.older = this.newest;
    node.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = node;
    this.newest = node;
    if (this.oldest === undefined) this.oldest = node;
  }

  private unlink(node: MemoryNode): void {
    if (node.newer !== undefined) node.newer.older = node.older;
    else this.newest = node.older;
    if (node.older !== undefined) node.older.newer = node.newer;
    else this.oldest = node.newer;
    node.newer = undefined;
    node.older = undefined;
  }
}

/** One function's entries in a memory tier. */
export class Table {
  readonly map: Map<unknown, MemoryNode> = new Map();

  constructor(readonly tier: MemoryTier) {}

  get size(): number {
    return this.map.size;
  }

  /** The node for these arguments, or undefined. `equals` is undefined when `hash` is the full key. */
  find(hash: unknown, equals: Equals | undefined, args: ArrayLike<unknown>, self: unknown): MemoryNode | undefined {
    let node = this.map.get(hash);
    if (equals === undefined) return node;
    while (node !== undefined && !equals(node.snapshot, args, self)) node = node.chain;
    return node;
  }

  /** Adds `node`; the caller has removed any node for equal arguments first. */
  insert(node: MemoryNode): void {
    node.chain = this.map.get(node.hash);
    this.map.set(node.hash, node);
    this.tier.add(node);
  }

  remove(node: MemoryNode): void {
    const head = this.map.get(node.hash);
    if (head === node) {
      if (node.chain === undefined) this.map.delete(node.hash);
      else this.map.set(node.hash, node.chain);
    } else {
      let prev = head;
      while (prev !== undefined && prev.chain !== node) prev = prev.chain;
      if (prev === undefined) return; // not in this table (already removed)
      prev.chain = node.chain;
    }
    node.chain = undefined;
    this.tier.remove(node);
  }

  clear(): void {
    for (let node of this.map.values()) {
      while (node !== undefined) {
        const next: MemoryNode | undefined = node.chain;
        node.chain = undefined;
        this.tier.remove(node);
        node = next as MemoryNode;
      }
    }
    this.map.clear();
  }
}
