import type { Logger } from '../src/config.js';
import type { EntryKey, Store, StoredEntry } from '../src/store.js';

/** A clock the test moves by hand: TTL tests never sleep. */
export function manualClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let time = start;
  return {
    now: () => time,
    advance(ms) {
      time += ms;
    },
  };
}

/** A logger that keeps what it was told. */
export function recordingLogger(): Logger & { messages: string[]; causes: unknown[] } {
  const messages: string[] = [];
  const causes: unknown[] = [];
  return {
    messages,
    causes,
    warn(message, cause) {
      messages.push(message);
      causes.push(cause);
    },
  };
}

export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued microtasks and immediate callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Wraps a sync store so every answer is a promise, as a remote store's would be. */
export function asyncStore(inner: Store, name = `async-${inner.name}`): Store {
  return {
    name,
    sync: false,
    persistent: inner.persistent,
    get: async (key: EntryKey) => inner.get(key),
    set: async (key: EntryKey, entry: StoredEntry) => inner.set(key, entry),
    delete: async (key: EntryKey) => inner.delete(key),
    clear: async (fn?: string) => inner.clear(fn),
    close: async () => inner.close(),
  };
}

/** A store whose every operation throws (a dead server, a corrupt file). */
export function failingStore(
  name = 'broken',
): Store & { calls: number; healthy: boolean; data: Map<string, StoredEntry> } {
  const data = new Map<string, StoredEntry>();
  const store = {
    name,
    sync: true,
    persistent: false,
    calls: 0,
    healthy: false,
    data,
    check(): void {
      store.calls++;
      if (!store.healthy) throw new Error(`${name} is down`);
    },
    get(key: EntryKey) {
      store.check();
      return data.get(key.text);
    },
    set(key: EntryKey, entry: StoredEntry) {
      store.check();
      data.set(key.text, entry);
    },
    delete(key: EntryKey) {
      store.check();
      return data.delete(key.text);
    },
    clear() {
      store.check();
      const size = data.size;
      data.clear();
      return size;
    },
    close() {},
  };
  return store;
}
