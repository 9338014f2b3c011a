/**
 * Corners of the miss path (`miss.ts`) that mutation testing found untested: the `refresh-error`
 * event and its warning (once per function), a hit below memory filling a `withCacheContext`
 * cache, a sync call that must not read an async store, the one node kept for equal arguments
 * after a recomputation, a sync-declared function that returns a promise (no herd without a
 * snapshot: its equality check is never handed one it did not make; a rejection rejects), a
 * memory-only function whose value is not inspected for a persistent codec, a stale entry below
 * memory and a call joining its refresh, `read: false` and the lease, the lease taken in the tier
 * that leases, the context and memory tiers named apart, and a policy keeping a persistent tier
 * unwritten.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../src/admin.js';
import type { CacheEvent, PolicyInfo } from '../src/index.js';
import {
  cached,
  close,
  configure,
  createMemoryStore,
  invalidate,
  stats,
  withCacheContext,
  withCacheOptions,
} from '../src/index.js';
import type { KeyEncoder } from '../src/key/encoder.js';
import type { EntryKey, Store } from '../src/store.js';
import { asyncStore, deferred, flush, manualClock, recordingLogger } from './helpers.js';

const clock = manualClock();
const logger = recordingLogger();
const events: CacheEvent[] = [];
configure({ now: clock.now, logger, onEvent: (event) => events.push(event) });

const zero = { hits: 0, misses: 0, writes: 0, errors: 0 };

const dirs: string[] = [];
afterAll(async () => {
  await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachet-miss-'));
  dirs.push(dir);
  return dir;
}

describe('a background refresh that fails', () => {
  it('sends a refresh-error event with the error, and keeps serving the stale value', async () => {
    const down = new Error('origin down');
    let runs = 0;
    const f = cached(
      async (n: number) => {
        if (++runs > 1) throw down;
        return n * 10;
      },
      { id: 'refresh-error', storage: 'memory', ttl: '1s', swr: '1h' },
    );
    expect(await f(1)).toBe(10);
    clock.advance(2000);
    events.length = 0;
    expect(await f(1)).toBe(10); // stale, served; the refresh runs and fails
    await flush();
    expect(events.filter((event) => event.type === 'refresh-error')).toEqual([
      { type: 'refresh-error', fn: 'refresh-error', error: down },
    ]);
    expect(stats(f).refreshErrors).toBe(1);
    expect(logger.causes).toContain(down);
  });

  it('is logged once per function, not once for all', async () => {
    const make = (id: string) => {
      let runs = 0;
      return cached(
        async (n: number) => {
          if (++runs > 1) throw new Error(`${id} down`);
          return n;
        },
        { id, storage: 'memory', ttl: '1s', swr: '1h' },
      );
    };
    const f = make('refresh-log-f');
    const g = make('refresh-log-g');
    await f(1);
    await g(1);
    clock.advance(2000);
    logger.messages.length = 0;
    await f(1);
    await g(1);
    await flush();
    expect(logger.messages).toEqual([
      expect.stringContaining('background refresh of refresh-log-f failed'),
      expect.stringContaining('background refresh of refresh-log-g failed'),
    ]);
  });
});

describe('a hit below memory inside withCacheContext', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`fills the context: the next equal call there reads no store (${mode})`, async () => {
      const shelf = createMemoryStore({ name: `context-fill-${mode}` });
      const storage = `context-fill-${mode}`;
      configure({ stores: { [storage]: [shelf] } }); // no memory tier: only the context is above the shelf
      let runs = 0;
      const id = `context-fill-${mode}`;
      const f =
        mode === 'sync'
          ? cached((n: number) => `${n}#${++runs}`, { id, storage })
          : cached(async (n: number) => `${n}#${++runs}`, { id, storage });
      expect(await f(1)).toBe('1#1'); // outside a context: stored in the shelf only
      const inside = await withCacheContext(async () => {
        const first = await f(1); // a shelf hit, which fills the context
        const again = f(1); // a context hit, as the function returns: a value or a promise
        if (mode === 'sync') expect(again).toBe('1#1');
        else expect(again).toBeInstanceOf(Promise);
        return [first, await again];
      });
      expect(inside).toEqual(['1#1', '1#1']);
      expect(runs).toBe(1);
      expect(stats(f).tiers[shelf.name]).toEqual({ ...zero, hits: 1, misses: 1, writes: 1 });
      expect(stats(f).tiers.context?.hits).toBe(1);
    });
  }
});

describe('a sync function over an async store', () => {
  it('neither reads nor counts the async store, and still writes it', async () => {
    const data = createMemoryStore({ name: 'sync-over-async-data' });
    const inner = asyncStore(data, 'sync-over-async');
    let reads = 0;
    const counted: Store = {
      ...inner,
      get: (key: EntryKey) => {
        reads++;
        return inner.get(key);
      },
    };
    configure({ stores: { 'sync-over-async': ['memory', counted] } });
    let runs = 0;
    const make = () => cached((n: number) => n * 10 + runs++, { id: 'sync-over-async', storage: 'sync-over-async' });
    const first = make();
    expect(first(1)).toBe(10);
    await flush(); // the write to the async store lands
    const second = make(); // empty memory; only the async store holds the entry, which a sync call cannot wait for
    expect(second(1)).toBe(11);
    expect(reads).toBe(0);
    expect(stats(second).tiers['sync-over-async']).toEqual({ ...zero, writes: 1 });
    expect(stats(second).tiers.memory).toEqual({ ...zero, misses: 1, writes: 1 });
  });
});

describe('a recomputation of arguments already in memory', () => {
  it('replaces their node: invalidate() then leaves no older value behind', async () => {
    let runs = 0;
    const f = cached((n: number) => `${n}#${++runs}`, { id: 'replace-node', storage: 'memory' });
    expect(f(1)).toBe('1#1');
    expect(withCacheOptions({ read: false }, () => f(1))).toBe('1#2');
    expect(f(1)).toBe('1#2');
    await invalidate(f, 1);
    expect(f(1)).toBe('1#3'); // not '1#1', the node a second insert would have left under the new one
  });
});

describe('a sync-declared function that returns a promise, from a storage without memory', () => {
  it('runs each call without a herd: its equality check only ever sees snapshots its encoder made', async () => {
    const made = new Set<unknown>();
    const seen: unknown[] = [];
    const encoder: KeyEncoder = {
      text: (args) => String(args[0]),
      hash: (args) => args[0],
      snapshot: (args) => {
        const snapshot = { n: args[0] };
        made.add(snapshot);
        return snapshot;
      },
      equals: (snapshot, args) => {
        seen.push(snapshot);
        return (snapshot as { n: unknown }).n === args[0];
      },
    };
    const shelf = createMemoryStore({ name: 'promise-no-memory' });
    configure({ stores: { 'promise-no-memory': [shelf] } });
    const gate = deferred<void>();
    let runs = 0;
    const f = cached(
      (n: number): Promise<number> => {
        runs++;
        return gate.promise.then(() => n * 10);
      },
      { id: 'promise-no-memory', storage: 'promise-no-memory', key: encoder },
    );
    const first = f(1);
    const second = f(1); // the first is in flight, stored nowhere yet
    gate.resolve();
    expect(await first).toBe(10);
    expect(await second).toBe(10);
    expect(runs).toBe(2);
    for (const snapshot of seen) expect(made.has(snapshot)).toBe(true);
  });

  it('lets an equal call join the run where there is a memory tier', async () => {
    const gate = deferred<void>();
    let runs = 0;
    const f = cached(
      (n: number): Promise<number> => {
        runs++;
        return gate.promise.then(() => n * 10);
      },
      { id: 'promise-herd', storage: 'memory' },
    );
    const first = f(1);
    const second = f(1);
    gate.resolve();
    expect([await first, await second]).toEqual([10, 10]);
    expect(runs).toBe(1);
    expect(stats(f).herdJoins).toBe(1);
  });
});

describe('a memory-only function', () => {
  it('does not inspect its value for a persistent codec: a getter is read once, for the size estimate', () => {
    let reads = 0;
    const f = cached(
      (n: number) => ({
        n,
        get lazy() {
          reads++;
          return n;
        },
      }),
      { id: 'memory-only-getter', storage: 'memory' },
    );
    expect(f(1).n).toBe(1);
    expect(reads).toBe(1);
  });
});

describe('a stale entry below memory', () => {
  /** An async store that leases: each `acquireLease` takes the next answer queued, else grants. */
  function leasingStore(name: string): Store & { answers: Promise<boolean>[] } {
    const answers: Promise<boolean>[] = [];
    return {
      ...asyncStore(createMemoryStore({ name: `${name}-data` }), name),
      answers,
      acquireLease: async () => answers.shift() ?? true,
      releaseLease: async () => undefined,
    };
  }

  it('is counted as a stale hit, and a call joining its refresh gets it when another process holds the lease', async () => {
    const store = leasingStore('stale-below');
    configure({ stores: { 'stale-below': [store] } }); // no memory: calls join the herd, not a memory entry
    let runs = 0;
    const f = cached(async (n: number) => n * 10 + runs++, {
      id: 'stale-below',
      storage: 'stale-below',
      ttl: '1s',
      swr: '1h',
    });
    expect(await f(1)).toBe(10);
    clock.advance(2000);
    const lease = deferred<boolean>();
    store.answers.push(lease.promise);
    expect(await f(1)).toBe(10); // stale, served; the refresh waits for the lease
    const joined = f(1); // joins the refresh in flight
    lease.resolve(false); // another process is refreshing it
    expect(await joined).toBe(10); // the stale value, as the refresh serves it
    expect(runs).toBe(1);
    expect(stats(f)).toMatchObject({ staleHits: 1, refreshes: 1, herdJoins: 1 });
  });
});

describe('read: false on a storage that leases', () => {
  it('recomputes, rather than wait for the lease and take the fresh entry already stored', async () => {
    configure({
      stores: { 'unread-leased': ['memory', createSqliteStore({ dir: tempDir(), name: 'unread-leased' })] },
    });
    let runs = 0;
    const f = cached(async (n: number) => `${n}#${++runs}`, { id: 'unread-leased', storage: 'unread-leased' });
    expect(await f(1)).toBe('1#1');
    expect(await withCacheOptions({ read: false }, () => f(1))).toBe('1#2');
    expect(runs).toBe(2);
  }, 15_000);
});

describe('the lease of a storage whose first tier below memory does not lease', () => {
  it('is taken in the tier that leases: a second owner waits for the first and takes its entry', async () => {
    configure({ lease: '5s' });
    const dir = tempDir();
    const storage = (name: string) => [
      'memory' as const,
      createMemoryStore({ name: `${name}-shelf` }),
      createSqliteStore({ dir, name }),
    ];
    configure({ stores: { 'lease-second-a': storage('lease-second-a'), 'lease-second-b': storage('lease-second-b') } });
    const gate = deferred<number>();
    const running = deferred<void>();
    const holder = cached(
      async (n: number) => {
        running.resolve();
        return n + (await gate.promise);
      },
      { id: 'lease-second', storage: 'lease-second-a' },
    );
    let waiterRuns = 0;
    const waiter = cached(async (n: number) => n + 100 + waiterRuns++ * 0, {
      id: 'lease-second',
      storage: 'lease-second-b',
    });
    const held = holder(1);
    await running.promise; // the holder has the lease
    const waited = waiter(1);
    gate.resolve(41);
    expect(await held).toBe(42);
    expect(await waited).toBe(42); // the holder's value, not its own run (101)
    expect(waiterRuns).toBe(0);
    configure({ lease: '30s' });
  }, 15_000);
});

describe('a sync-declared function whose promise rejects', () => {
  it('rejects, with the error event and count', async () => {
    const boom = new Error('rejected');
    const f = cached((n: number): Promise<number> => Promise.reject(n > 0 ? boom : new Error('never')), {
      id: 'adopt-rejects',
      storage: 'memory',
    });
    events.length = 0;
    await expect(f(1)).rejects.toBe(boom);
    expect(events.filter((event) => event.type === 'error')).toEqual([
      { type: 'error', fn: 'adopt-rejects', error: boom },
    ]);
    expect(stats(f).errors).toBe(1);
  });
});

describe('a miss inside withCacheContext', () => {
  it('writes the context and memory tiers under their own names, as the policy and stats() tell them', async () => {
    const seen: string[] = [];
    configure({
      policy: (info: PolicyInfo) => {
        seen.push(info.tier);
        return true;
      },
    });
    try {
      const f = cached(async (n: number) => n, { id: 'context-names', storage: 'memory' });
      await withCacheContext(() => f(1));
      expect(seen).toEqual(['context', 'memory']);
      expect(stats(f).tiers.context).toEqual({ ...zero, writes: 1 });
      expect(stats(f).tiers.memory).toEqual({ ...zero, misses: 1, writes: 1 });
    } finally {
      configure({ policy: undefined });
    }
  });
});

describe('a policy that keeps a value out of a persistent tier', () => {
  it('leaves that tier unwritten', async () => {
    const shelf = createMemoryStore({ name: 'kept-out-shelf' });
    configure({
      stores: { 'kept-out': ['memory', shelf] },
      policy: (info: PolicyInfo) => info.tier !== 'kept-out-shelf',
    });
    try {
      const f = cached((n: number) => n, { id: 'kept-out', storage: 'kept-out' });
      expect(f(1)).toBe(1);
      expect(stats(f).tiers['kept-out-shelf']).toEqual({ ...zero, misses: 1 });
      expect(shelf.clear()).toBe(0); // it held nothing
    } finally {
      configure({ policy: undefined });
    }
  });
});
