/**
 * Corners of the miss path (`miss.ts`) that mutation testing found untested: the `refresh-error`
 * event, a hit below memory filling a `withCacheContext` cache, a sync call that must not read an
 * async store, the one node kept for equal arguments after a recomputation, a sync-declared
 * function that returns a promise from a storage without memory (no herd: its equality check is
 * never handed a snapshot it did not make), and a memory-only function whose value is not
 * inspected for a persistent codec.
 */
import { describe, expect, it } from 'vitest';
import type { CacheEvent } from '../src/index.js';
import {
  cached,
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
