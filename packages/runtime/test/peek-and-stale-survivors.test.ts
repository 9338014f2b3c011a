/**
 * What a scoped mutation run of cached-function.ts left open in `peek` and in the lookup's tier
 * choice and stale event (docs/testing.md, "The call path's hit checks"): `peek` after
 * `configure()` changed the tiers, `peek` never reading an async store, a scope's `tiers` option
 * inside a request context, and the tier a stale event names.
 */
import { describe, expect, it } from 'vitest';
import { type CacheEvent, configure, createMemoryStore, withCacheContext, withCacheOptions } from '../src/index.js';
import { define, type KeyEncoder } from '../src/internal.js';
import type { Store } from '../src/store.js';
import { manualClock } from './helpers.js';

const clock = manualClock();
const events: CacheEvent[] = [];
configure({ now: clock.now, defaults: { storage: 'memory' }, onEvent: (event) => events.push(event) });

const byValue: KeyEncoder = {
  text: (args) => JSON.stringify(Array.from(args)),
  hash: (args) => String(args[0]),
  snapshot: (args) => Array.from(args),
  equals: (snapshot, args) => (snapshot as unknown[])[0] === args[0],
};

/** A memory store that answers through promises, counting its reads. */
function asyncStore(name: string): { store: Store; gets: () => number } {
  const inner = createMemoryStore({ name });
  let gets = 0;
  const store = new Proxy(inner, {
    get(target, property) {
      if (property === 'sync') return false;
      if (property === 'getFresh') return undefined;
      if (property === 'get')
        return async (key: Parameters<typeof inner.get>[0]) => {
          gets++;
          return target.get(key);
        };
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Store;
  return { store, gets: () => gets };
}

describe('peek', () => {
  it('reads the tiers configure() set since the last call, not the ones before', () => {
    configure({ stores: { shelf: createMemoryStore({ name: 'shelf-1' }) } });
    let runs = 0;
    const cf = define({ id: 'peek-reconfigured', encoder: byValue, storage: 'shelf' }, (a: number) => a * 10 + runs++);
    expect(cf.invoke(undefined, [1])).toBe(10);
    expect(cf.peek(undefined, [1])).toBe(10);
    // Another (empty) store under the same name: the entry is not there.
    configure({ stores: { shelf: createMemoryStore({ name: 'shelf-2' }) } });
    expect(cf.peek(undefined, [1])).toBeUndefined();
    expect(cf.invoke(undefined, [1])).toBe(11);
    expect(cf.peek(undefined, [1])).toBe(11);
  });

  it('never reads an async store (a peek answers at once)', async () => {
    const { store, gets } = asyncStore('slow-shelf');
    configure({ stores: { slow: store } });
    const cf = define(
      { id: 'peek-async-store', encoder: byValue, storage: 'slow', async: true },
      async (a: number) => a,
    );
    expect(await cf.invoke(undefined, [1])).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 10)); // the write lands
    const before = gets();
    expect(cf.peek(undefined, [1])).toBeUndefined();
    expect(cf.peek(undefined, [2])).toBeUndefined();
    expect(gets()).toBe(before);
    // The store holds it: a call reads it there.
    expect(await cf.invoke(undefined, [1])).toBe(1);
    expect(gets()).toBe(before + 1);
  });
});

describe('a scope limited to some tiers, inside a request context', () => {
  it("tiers: ['context'] neither reads nor fills the memory tier", () => {
    let runs = 0;
    const f = define({ id: 'tiers-context-only', encoder: byValue }, (n: number) => `${n}#${++runs}`);
    const call = (n: number): unknown => f.invoke(undefined, [n]);
    expect(call(1)).toBe('1#1'); // in the memory tier
    withCacheContext(() => {
      expect(withCacheOptions({ tiers: ['context'] }, () => call(1))).toBe('1#2');
      expect(withCacheOptions({ tiers: ['context'] }, () => call(1))).toBe('1#2'); // from the context
    });
    expect(call(1)).toBe('1#1');
    expect(f.stats().tiers.context?.hits).toBe(1);
  });

  it("tiers: ['memory'] neither reads nor fills the context", () => {
    let runs = 0;
    const f = define({ id: 'tiers-memory-only', encoder: byValue }, (n: number) => `${n}#${++runs}`);
    const call = (n: number): unknown => f.invoke(undefined, [n]);
    withCacheContext(() => {
      expect(call(1)).toBe('1#1'); // in the context and in memory
      expect(withCacheOptions({ tiers: ['memory'] }, () => call(1))).toBe('1#1');
    });
    const tiers = f.stats().tiers;
    expect(tiers.memory?.hits).toBe(1);
    expect(tiers.context?.hits ?? 0).toBe(0);
  });
});

describe('the stale event', () => {
  it('names the tier the stale value came from: memory, or the request context', async () => {
    let runs = 0;
    const f = define(
      { id: 'stale-tier-name', encoder: byValue, ttl: '1s', swr: '1m', async: true },
      async (n: number) => `${n}#${++runs}`,
    );
    const call = (n: number) => f.invoke(undefined, [n]) as Promise<string>;
    expect(await call(1)).toBe('1#1');
    clock.advance(1_000);
    events.length = 0;
    expect(await call(1)).toBe('1#1'); // stale, refreshed in the background
    expect(events.filter((e) => e.type === 'stale')).toEqual([
      { type: 'stale', fn: 'stale-tier-name', tier: 'memory' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await call(2)).toBe('2#3');
    await withCacheContext(async () => {
      expect(await call(2)).toBe('2#3'); // into the context too
      clock.advance(1_000);
      events.length = 0;
      expect(await withCacheOptions({ tiers: ['context'] }, () => call(2))).toBe('2#3');
      expect(events.filter((e) => e.type === 'stale')).toEqual([
        { type: 'stale', fn: 'stale-tier-name', tier: 'context' },
      ]);
    });
  });
});
