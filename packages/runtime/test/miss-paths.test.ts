/**
 * The miss path below memory (`miss.ts`) and the cross-process lease (`lease.ts`), as mutation
 * testing found them untested: the per-tier counters of `stats()` on the sync and async paths,
 * which tiers a lower hit fills, the `hit` / `error` / `herd-join` events, the lease released
 * after a run, and a waiter that takes the lease holder's entry or gives up at its deadline. The
 * lease tests use two SQLite stores on one file: two connections with two lease owners, as two
 * processes would have.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectRejection } from '../../../test/support/expect-error.js';
import { createSqliteStore } from '../src/admin.js';
import { entryKey } from '../src/conformance/fixtures.js';
import type { CacheEvent } from '../src/index.js';
import { cached, close, configure, createMemoryStore, stats, withCacheOptions } from '../src/index.js';
import type { Store } from '../src/store-kit.js';
import { asyncStore, deferred, manualClock, recordingLogger } from './helpers.js';

const clock = manualClock();
const logger = recordingLogger();
const events: CacheEvent[] = [];
configure({ now: clock.now, logger, backoff: '30s', onEvent: (event) => events.push(event) });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  events.length = 0;
  logger.messages.length = 0;
});

const zero = { hits: 0, misses: 0, writes: 0, errors: 0 };

describe('per-tier counters and fills on a miss below memory', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`counts each tier's misses, hits and writes, and fills only the tiers above a hit (${mode})`, async () => {
      const upperData = createMemoryStore({ name: `${mode}-upper-data` });
      const lowerData = createMemoryStore({ name: `${mode}-lower-data` });
      const upper: Store = mode === 'sync' ? upperData : asyncStore(upperData, `${mode}-upper`);
      const lower: Store = mode === 'sync' ? lowerData : asyncStore(lowerData, `${mode}-lower`);
      const storage = `counted-${mode}`;
      configure({ stores: { [storage]: ['memory', upper, lower] } });
      let runs = 0;
      const id = `counted-${mode}`;
      const make = () =>
        mode === 'sync'
          ? cached((n: number) => n * 10 + runs++, { id, storage })
          : cached(async (n: number) => n * 10 + runs++, { id, storage });

      const first = make();
      expect(await first(1)).toBe(10);
      expect(stats(first)).toMatchObject({ hits: 0, misses: 1 });
      expect(stats(first).tiers).toEqual({
        memory: { ...zero, misses: 1, writes: 1 },
        [upper.name]: { ...zero, misses: 1, writes: 1 },
        [lower.name]: { ...zero, misses: 1, writes: 1 },
      });
      expect(events.filter((event) => event.type === 'hit')).toEqual([]);

      upperData.clear();
      const second = make(); // empty memory, as after a restart; only the lower tier has it
      expect(await second(1)).toBe(10);
      expect(runs).toBe(1);
      expect(stats(second)).toMatchObject({ hits: 1, misses: 0 });
      // The hit in the lower tier wrote the upper tier, and not the lower one again.
      expect(stats(second).tiers[upper.name]).toEqual({ ...zero, misses: 1, writes: 1 });
      expect(stats(second).tiers[lower.name]).toEqual({ ...zero, hits: 1 });
      expect(events).toContainEqual({ type: 'hit', fn: id, tier: lower.name });

      lowerData.clear();
      const third = make(); // the fill above is what answers now
      expect(await third(1)).toBe(10);
      expect(runs).toBe(1);
      expect(stats(third).tiers[upper.name]).toEqual({ ...zero, hits: 1 });
      // The fill put the value in memory as the function's kind returns it: a value or a promise.
      const again = third(1);
      if (mode === 'sync') expect(again).toBe(10);
      else expect(again).toBeInstanceOf(Promise);
      expect(await again).toBe(10);
      expect(events).toContainEqual({ type: 'hit', fn: id, tier: upper.name });
    });
  }

  for (const mode of ['sync', 'async'] as const) {
    it(`fills the tiers above a hit without a memory tier in front (${mode})`, async () => {
      // Stores only (the `lookupStores` path): a sync hit builds no call, and still fills.
      const upperData = createMemoryStore({ name: `${mode}-bare-upper-data` });
      const lowerData = createMemoryStore({ name: `${mode}-bare-lower-data` });
      const upper: Store = mode === 'sync' ? upperData : asyncStore(upperData, `${mode}-bare-upper`);
      const lower: Store = mode === 'sync' ? lowerData : asyncStore(lowerData, `${mode}-bare-lower`);
      const storage = `bare-${mode}`;
      configure({ stores: { [storage]: [upper, lower] } });
      let runs = 0;
      const id = `bare-${mode}`;
      const make = () =>
        mode === 'sync'
          ? cached((n: number) => n * 10 + runs++, { id, storage })
          : cached(async (n: number) => n * 10 + runs++, { id, storage });

      expect(await make()(1)).toBe(10);
      upperData.clear();
      const second = make();
      expect(await second(1)).toBe(10);
      expect(stats(second)).toMatchObject({ hits: 1, misses: 0 });
      expect(stats(second).tiers[upper.name]).toEqual({ ...zero, misses: 1, writes: 1 });
      expect(stats(second).tiers[lower.name]).toEqual({ ...zero, hits: 1 });
      expect(events).toContainEqual({ type: 'hit', fn: id, tier: lower.name });

      lowerData.clear();
      const third = make(); // only the fill above can answer now
      expect(await third(1)).toBe(10);
      expect(await third(1)).toBe(10);
      expect(runs).toBe(1);
      expect(stats(third).tiers[upper.name]).toEqual({ ...zero, hits: 2 });
      expect(stats(third).tiers.memory).toEqual(zero);
    });
  }

  it('counts a memory miss only where there is a memory tier', async () => {
    const shelf = createMemoryStore({ name: 'no-memory-shelf' });
    configure({ stores: { 'no-memory': [shelf] } });
    const f = cached(async (n: number) => n, { id: 'no-memory', storage: 'no-memory' });
    expect(await f(1)).toBe(1);
    expect(stats(f).misses).toBe(1);
    expect(stats(f).tiers.memory).toEqual(zero);
    expect(stats(f).tiers['no-memory-shelf']).toEqual({ ...zero, misses: 1, writes: 1 });
  });

  it('does not count a background refresh as a memory miss', async () => {
    const f = cached(async (n: number) => n, { id: 'refresh-miss', storage: 'memory', ttl: '1s', swr: '1m' });
    expect(await f(1)).toBe(1);
    clock.advance(2000);
    expect(await f(1)).toBe(1); // stale: served, refreshed in the background
    await new Promise((resolve) => setImmediate(resolve));
    const { tiers, misses, refreshes, staleHits } = stats(f);
    expect({ misses, refreshes, staleHits }).toEqual({ misses: 2, refreshes: 1, staleHits: 1 });
    expect(tiers.memory?.misses).toBe(1); // the first call; the refresh read nothing
  });
});

describe('read: false below memory', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`recomputes rather than read a lower tier, and replaces its entry (${mode})`, async () => {
      const shelfData = createMemoryStore({ name: `unread-${mode}-data` });
      const shelf: Store = mode === 'sync' ? shelfData : asyncStore(shelfData, `unread-${mode}`);
      const storage = `unread-${mode}`;
      configure({ stores: { [storage]: ['memory', shelf] } });
      let runs = 0;
      const id = `unread-${mode}`;
      const make = () =>
        mode === 'sync'
          ? cached((n: number) => `${n}#${++runs}`, { id, storage })
          : cached(async (n: number) => `${n}#${++runs}`, { id, storage });
      expect(await make()(1)).toBe('1#1');
      const f = make(); // empty memory: only the shelf has the entry
      expect(await withCacheOptions({ read: false }, () => f(1))).toBe('1#2');
      expect(stats(f).tiers[shelf.name]).toEqual({ ...zero, writes: 1 }); // not read, written
      expect(await make()(1)).toBe('1#2'); // the shelf now holds the recomputed value
      expect(runs).toBe(2);
    });
  }
});

describe('a sync-declared function that returns a promise', () => {
  afterEach(async () => {
    await close();
  });

  it('stores the settled value, not the promise, in a persistent tier', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cachet-thenable-'));
    dirs.push(dir);
    let runs = 0;
    const make = () => {
      configure({ stores: { thenable: ['memory', createSqliteStore({ dir, name: 'thenable' })] } });
      return cached((n: number) => Promise.resolve({ twice: n * 2, run: ++runs }), {
        id: 'thenable',
        storage: 'thenable',
      });
    };
    const first = make();
    expect(await first(1)).toEqual({ twice: 2, run: 1 });
    const hit = first(1); // from memory, still a promise, as the function returns one
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toEqual({ twice: 2, run: 1 });
    await close(); // committed; a new instance reads the file
    expect(await make()(1)).toEqual({ twice: 2, run: 1 });
    expect(runs).toBe(1);
  });
});

describe('the error event', () => {
  it('is sent for a run that throws, sync or async', async () => {
    const boom = new Error('boom');
    const f = cached(
      (n: number): number => {
        if (n > 0) throw boom;
        return n;
      },
      { id: 'error-sync', storage: 'memory' },
    );
    const g = cached(
      async (n: number): Promise<number> => {
        if (n > 0) throw boom;
        return n;
      },
      { id: 'error-async', storage: 'memory' },
    );
    expect(() => f(1)).toThrow(boom);
    await expect(g(1)).rejects.toBe(boom);
    expect(events.filter((event) => event.type === 'error')).toEqual([
      { type: 'error', fn: 'error-sync', error: boom },
      { type: 'error', fn: 'error-async', error: boom },
    ]);
    expect(stats(f).errors + stats(g).errors).toBe(2);
  });
});

describe('the cross-process lease (two SQLite connections, two owners)', () => {
  afterEach(async () => {
    await close();
    configure({ lease: '30s' });
  });

  /** Two storages over one database file, each with its own connection (its own lease owner). */
  /**
   * One function `id` seen from two connections: `holder` (on the first) runs until `gate`
   * opens, telling `running` when it has the lease; `waiter` (on the second) adds 100 when it runs
   * itself, and `runs()` counts those runs.
   */
  function holderAndWaiter(id: string) {
    const { a, b } = twoConnections(id);
    const gate = deferred<number>();
    const running = deferred<void>();
    const holder = cached(
      async (n: number) => {
        running.resolve();
        return n + (await gate.promise);
      },
      { id, storage: a },
    );
    let count = 0;
    const waiter = cached(async (n: number) => n + 100 + count++ * 0, { id, storage: b });
    return { b, gate, running, holder, waiter, runs: () => count };
  }

  function twoConnections(name: string): { a: string; b: string } {
    const dir = mkdtempSync(join(tmpdir(), 'cachet-lease-'));
    dirs.push(dir);
    const a = `${name}-a`;
    const b = `${name}-b`;
    configure({
      stores: {
        [a]: ['memory', createSqliteStore({ dir, name: a })],
        [b]: ['memory', createSqliteStore({ dir, name: b })],
      },
    });
    return { a, b };
  }

  it('releases the lease after a failed run: the other owner computes at once', async () => {
    configure({ lease: '20s' });
    const { a, b } = twoConnections('release');
    const failing = cached(
      async (n: number): Promise<number> => {
        throw new Error(`no ${n}`);
      },
      { id: 'release', storage: a },
    );
    await expectRejection(failing(1), { message: 'no 1' });
    let runs = 0;
    const other = cached(async (n: number) => n + runs++ * 0, { id: 'release', storage: b });
    const started = Date.now();
    expect(await other(1)).toBe(1);
    expect(runs).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000); // not the lease's 20 s
  }, 15_000);

  it("gives a waiter the holder's entry when it is stored: a herd join, no run", async () => {
    configure({ lease: '3s' });
    const { b, gate, running, holder, waiter, runs } = holderAndWaiter('join');
    const held = holder(1);
    await running.promise; // the holder has the lease
    const waited = waiter(1);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the waiter polls meanwhile
    gate.resolve(41);
    expect(await held).toBe(42);
    expect(await waited).toBe(42); // the holder's value, not its own (101)
    expect(runs()).toBe(0);
    expect(stats(holder)).toMatchObject({ misses: 1, herdJoins: 0 });
    expect(stats(waiter)).toMatchObject({ herdJoins: 1, misses: 0 });
    expect(events.filter((event) => event.type === 'herd-join')).toEqual([{ type: 'herd-join', fn: 'join' }]);
    // The joined value went into the waiter's memory tier: its next call is a memory hit.
    const again = waiter(1);
    expect(again).toBeInstanceOf(Promise);
    expect(await again).toBe(42);
    expect(stats(waiter).tiers.memory?.hits).toBe(1);
    expect(stats(waiter).tiers[b]).toEqual({ ...zero, misses: 1 });
  }, 15_000);

  it('serves the stale value without a run when another owner holds the lease of a refresh', async () => {
    configure({ lease: '300ms' });
    const dir = mkdtempSync(join(tmpdir(), 'cachet-lease-'));
    dirs.push(dir);
    const other = createSqliteStore({ dir, name: 'refresh-other', now: clock.now });
    configure({ stores: { 'refresh-b': ['memory', createSqliteStore({ dir, name: 'refresh-b', now: clock.now })] } });
    let runs = 0;
    const f = cached(async (n: number) => n * 10 + runs++, {
      id: 'leased-refresh',
      storage: 'refresh-b',
      ttl: '1s',
      swr: '1h',
    });
    expect(await f(1)).toBe(10);
    clock.advance(2000); // stale now
    const key = entryKey('leased-refresh', 'd1', '0');
    expect(other.acquireLease(key, 60_000)).toBe(true); // another process is refreshing it
    try {
      expect(await f(1)).toBe(10); // stale, served; the refresh finds the lease taken
      await new Promise((resolve) => setTimeout(resolve, 600)); // longer than this process's lease wait
      expect(runs).toBe(1);
      expect(stats(f)).toMatchObject({ staleHits: 1, refreshes: 1, misses: 2, refreshErrors: 0 });
    } finally {
      other.releaseLease(key);
      other.close();
    }
  }, 15_000);

  it('gives up waiting at its own lease deadline and computes', async () => {
    configure({ lease: '60s' });
    const { gate, running, holder, waiter, runs } = holderAndWaiter('deadline');
    const held = holder(1); // holds the lease for 60 s
    await running.promise;
    configure({ lease: '300ms' }); // this process waits at most 300 ms
    const started = Date.now();
    expect(await waiter(1)).toBe(101);
    const waitedMs = Date.now() - started;
    expect(runs()).toBe(1);
    expect(waitedMs).toBeGreaterThanOrEqual(290);
    expect(waitedMs).toBeLessThan(8000);
    gate.resolve(1);
    expect(await held).toBe(2);
  }, 15_000);
});
