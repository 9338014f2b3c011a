import { type MemoryLimits, MemoryTier, Table } from '../memory/memory-tier.js';
import type { EntryKey, StoredEntry, StoreFunctionInfo, SyncStore } from '../store.js';

/**
 * A memory store behind the store contract: entries addressed by their key text, kept live (no
 * copy), LRU-bounded. The process memory tier in front of every function is faster (it needs no
 * key text); this store is for tier lists and tests.
 */
class MemoryStore implements SyncStore {
  readonly name: string;
  readonly sync = true as const;
  readonly persistent = false;
  private readonly tier: MemoryTier;
  private readonly tables = new Map<string, Table>();

  constructor(name: string, limits: MemoryLimits) {
    this.name = name;
    this.tier = new MemoryTier(limits);
  }

  get(key: EntryKey): StoredEntry | undefined {
    const slot = this.tables.get(key.fn)?.find(key.text, undefined, [], undefined);
    if (slot === undefined) return undefined;
    this.tier.touch(slot);
    return this.tier.value(slot) as StoredEntry;
  }

  set(key: EntryKey, entry: StoredEntry): void {
    let table = this.tables.get(key.fn);
    if (table === undefined) {
      table = new Table(this.tier, false);
      this.tables.set(key.fn, table);
    }
    const existing = table.find(key.text, undefined, [], undefined);
    if (existing !== undefined) table.remove(existing);
    table.insert({
      hash: key.text,
      snapshot: undefined,
      value: entry,
      expiresAt: entry.expiresAt,
      staleUntil: entry.staleUntil,
    });
  }

  delete(key: EntryKey): boolean {
    const table = this.tables.get(key.fn);
    const slot = table?.find(key.text, undefined, [], undefined);
    if (slot === undefined) return false;
    table?.remove(slot);
    return true;
  }

  clear(fn?: string): number {
    let removed = 0;
    for (const [name, table] of this.tables) {
      if (fn !== undefined && name !== fn) continue;
      removed += table.size;
      table.clear();
    }
    return removed;
  }

  functions(): StoreFunctionInfo[] {
    return [...this.tables].map(([fn, table]) => ({ fn, entries: table.size, bytes: 0 }));
  }

  close(): void {
    this.clear();
  }
}

/** A memory store for tier lists (`['memory', redisStore()]` uses the process tier instead). */
export function createMemoryStore(options: { name?: string; maxEntries?: number; maxBytes?: number } = {}): SyncStore {
  return new MemoryStore(options.name ?? 'memory-store', {
    maxEntries: options.maxEntries ?? 100_000,
    maxBytes: options.maxBytes ?? 256 * 1024 * 1024,
  });
}
