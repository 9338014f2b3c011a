import { describe, expect, it } from 'vitest';
import { cached, configure, createMemoryStore, stats } from '../src/index.js';
import type { EntryKey, InvalidationListener, Store, StoredEntry } from '../src/store-kit.js';

/** A store shared by "other processes": they delete entries and announce it on the bus. */
function busStore(): Store & { remoteDelete(text: string): void; remoteClear(fn?: string): void } {
  const inner = createMemoryStore({ name: 'bus-data' });
  const keys = new Map<string, EntryKey>();
  let listener: InvalidationListener | undefined;
  return {
    name: 'bus',
    sync: true,
    persistent: false,
    get: (key) => inner.get(key) as StoredEntry | undefined,
    set: (key, entry) => {
      keys.set(key.text, key);
      return inner.set(key, entry);
    },
    delete: (key) => inner.delete(key) as boolean,
    clear: (fn) => inner.clear(fn) as number,
    close: () => undefined,
    subscribe(l) {
      listener = l;
    },
    remoteDelete(text) {
      inner.delete(keys.get(text) as EntryKey);
      listener?.({ fn: (keys.get(text) as EntryKey).fn, text });
    },
    remoteClear(fn) {
      inner.clear(fn);
      listener?.(fn === undefined ? {} : { fn });
    },
  };
}

describe('the invalidation bus', () => {
  it('drops an entry another process invalidated from this memory tier', async () => {
    const store = busStore();
    configure({ stores: { bus: ['memory', store] } });
    let runs = 0;
    const f = cached(async (n: number) => `${n}#${++runs}`, { id: 'bus-one', storage: 'bus' });
    const g = cached(async (n: number) => `${n}#${++runs}`, { id: 'bus-other', storage: 'bus' });
    expect(await f(1)).toBe('1#1');
    expect(await f(2)).toBe('2#2');
    expect(await g(1)).toBe('1#3');
    store.remoteDelete('bus-one\u00000\u0000d1');
    expect(await f(1)).toBe('1#4'); // memory no longer serves the invalidated value
    expect(await f(2)).toBe('2#2'); // others untouched
    expect(await g(1)).toBe('1#3');
    store.remoteClear('bus-one');
    expect(await f(2)).toBe('2#5');
    expect(await g(1)).toBe('1#3');
    store.remoteClear();
    expect(await g(1)).toBe('1#6');
  });
});

describe('lease waiters', () => {
  it("wake on the store's changed() notice and take the owner's value", async () => {
    const data = new Map<string, StoredEntry>();
    const wakeups: number[] = [];
    let ownerWrites: (() => void) | undefined;
    const leased: Store = {
      name: 'leased',
      sync: false,
      persistent: false,
      get: async (key) => data.get(key.text),
      set: async (key, entry) => void data.set(key.text, entry),
      delete: async (key) => data.delete(key.text),
      clear: async () => 0,
      close: async () => undefined,
      acquireLease: async () => false, // another process holds it
      changed: (key, ms) => {
        wakeups.push(ms);
        ownerWrites?.();
        return new Promise((resolve) => {
          ownerWrites = () => {
            data.set(key.text, {
              value: 'from the owner',
              codec: 'json',
              createdAt: 0,
              expiresAt: Number.POSITIVE_INFINITY,
              staleUntil: Number.POSITIVE_INFINITY,
            });
            resolve();
          };
          setImmediate(() => ownerWrites?.());
        });
      },
    };
    configure({ stores: { leased } });
    let runs = 0;
    const f = cached(async (_n: number) => `computed #${++runs}`, { id: 'lease-wait', storage: 'leased' });
    expect(await f(1)).toBe('from the owner');
    expect(runs).toBe(0);
    expect(wakeups.length).toBeGreaterThan(0);
    expect(stats(f)).toMatchObject({ herdJoins: 1, misses: 0 }); // served without running here
  });
});

describe('a store failing while a call waits on its lease', () => {
  it('still returns the computed value when changed() rejects', async () => {
    const leased: Store = {
      name: 'dying',
      sync: false,
      persistent: false,
      get: async () => undefined,
      set: async () => undefined,
      delete: async () => false,
      clear: async () => 0,
      close: async () => undefined,
      acquireLease: async () => false, // another process holds it...
      changed: async () => {
        throw new Error('connection lost'); // ...and the store dies while we wait
      },
    };
    const warnings: string[] = [];
    configure({ stores: { dying: leased }, logger: { warn: (message) => warnings.push(message) } });
    let runs = 0;
    const f = cached(async (n: number) => n * 2 + runs++ * 0, { id: 'lease-dies', storage: 'dying' });
    expect(await f(21)).toBe(42);
    expect(runs).toBe(1);
    expect(warnings.some((m) => m.includes('tier "dying" failed'))).toBe(true);
  });
});
