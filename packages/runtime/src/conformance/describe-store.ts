/**
 * The store conformance kit: the cases every store passes, whatever it keeps entries in. The
 * built-in stores (memory, SQLite, blob files) and `@cachet/redis` run it; a third-party store
 * runs it with its own test runner. A store that passes it can stand in any tier list.
 */
import assert from 'node:assert/strict';
import { type EntryKey, isThenable, NOT_FOUND, type Store } from '../store.js';
import { entry, entryKey } from './fixtures.js';
import { resolveRunner, type TestRunner } from './runner.js';

/** How the kit gets stores to test. */
export interface StoreFactory {
  /** A fresh, empty store. */
  create(): Store | Promise<Store>;
  /**
   * For persistent stores: a second store over the same data (another handle, as after a
   * restart). With it, the kit also checks that entries outlive `close()`.
   */
  reopen?(): Store | Promise<Store>;
}

/**
 * Registers the contract's cases as a group named `store contract: <name>`. Every case gets a
 * fresh store from `factory.create()` and closes it afterwards. `runner` is the test runner's
 * `{ describe, it, afterEach }`; without it the kit uses the runner's globals (Jest, Mocha,
 * vitest with `globals: true`). Assertions use `node:assert`, so any runner reports them.
 *
 * @example
 * // vitest
 * import { afterEach, describe, it } from 'vitest';
 * import { describeStore } from '@cachet/runtime/store';
 * describeStore('my store', { create: () => myStore() }, { describe, it, afterEach });
 *
 * @example
 * // node --test
 * import { afterEach, describe, it } from 'node:test';
 * describeStore('my store', { create: () => myStore() }, { describe, it, afterEach });
 */
export function describeStore(name: string, factory: StoreFactory, runner?: TestRunner): void {
  const { describe, it, afterEach } = resolveRunner(runner);
  describe(`store contract: ${name}`, () => {
    const open: Store[] = [];
    const make = async (): Promise<Store> => {
      const store = await factory.create();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

    it('misses on an empty store', async () => {
      const store = await make();
      assert.equal(await store.get(entryKey('f', 'd1')), undefined);
    });

    it('returns what was set, with its codec and times', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(
        key,
        entry({ name: 'Ada', tags: ['x'] }, 'json', { createdAt: 5, expiresAt: 60_005, staleUntil: 70_005 }),
      );
      const got = await store.get(key);
      assert.deepEqual(got?.value, { name: 'Ada', tags: ['x'] });
      assert.equal(got?.codec, 'json');
      assert.deepEqual([got?.createdAt, got?.expiresAt, got?.staleUntil], [5, 60_005, 70_005]);
    });

    it('keeps forever as Infinity', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(key, entry(1));
      assert.equal((await store.get(key))?.expiresAt, Number.POSITIVE_INFINITY);
    });

    it('never returns an entry whose key text differs, even at the same hash', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(key, entry('right'));
      assert.equal(await store.get({ ...key, text: `${key.text}x` }), undefined);
      assert.equal((await store.get(key))?.value, 'right');
    });

    it('replaces an entry on set', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(key, entry('old'));
      await store.set(key, entry('new'));
      assert.equal((await store.get(key))?.value, 'new');
    });

    it('returns expired entries and leaves freshness to the runtime', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(key, entry('stale', 'json', { expiresAt: 2, staleUntil: 3 }));
      assert.equal((await store.get(key))?.expiresAt, 2);
    });

    it('deletes one entry and says whether it was there', async () => {
      const store = await make();
      const [a, b] = [entryKey('f', 'd1'), entryKey('f', 'd2')];
      await store.set(a, entry(1));
      await store.set(b, entry(2));
      assert.equal(await store.delete(a), true);
      assert.equal(await store.delete(a), false);
      assert.equal(await store.get(a), undefined);
      assert.equal((await store.get(b))?.value, 2);
    });

    it('clears one function or everything, and counts what it removed', async () => {
      const store = await make();
      const [f1, f2, g1] = [entryKey('f', 'd1'), entryKey('f', 'd2'), entryKey('g', 'd1')];
      for (const key of [f1, f2, g1]) await store.set(key, entry(key.text));
      assert.equal(await store.clear('f'), 2);
      assert.equal(await store.get(f1), undefined);
      assert.equal((await store.get(g1))?.value, g1.text);
      assert.equal(await store.clear(), 1);
      assert.equal(await store.get(g1), undefined);
    });

    it('keeps versions apart', async () => {
      const store = await make();
      await store.set(entryKey('f', 'd1', '1'), entry('v1'));
      assert.equal(await store.get(entryKey('f', 'd1', '2')), undefined);
    });

    it('holds many entries', async () => {
      const store = await make();
      for (let i = 0; i < 500; i++) await store.set(entryKey('f', `d${i}`), entry({ i }));
      for (let i = 0; i < 500; i += 37) assert.deepEqual((await store.get(entryKey('f', `d${i}`)))?.value, { i });
    });

    it('round-trips unicode and large text', async () => {
      const store = await make();
      const value = { text: 'ü∑ß日本\u0000\u2028'.repeat(2000) };
      const key = entryKey('f', 's"ü\u0000"');
      await store.set(key, entry(value));
      assert.deepEqual((await store.get(key))?.value, value);
    });

    it('keeps Date, Map, Set, bigint, typed arrays and undefined with the v8 codec', async () => {
      const store = await make();
      const value = {
        when: new Date(86_400_000),
        map: new Map<unknown, unknown>([
          [1, 'a'],
          ['b', { c: 2n }],
        ]),
        set: new Set(['x', 'y']),
        big: 12345678901234567890n,
        bytes: new Uint8Array([1, 2, 255]),
        missing: undefined,
      };
      const key = entryKey('f', 'v8');
      await store.set(key, entry(value, 'v8'));
      const got = (await store.get(key))?.value as typeof value;
      assert.deepEqual(got, value);
      assert.ok(got.when instanceof Date && got.map instanceof Map && got.bytes instanceof Uint8Array);
      assert.ok('missing' in got);
    });

    it('answers without promises when it says it is synchronous', async () => {
      const store = await make();
      if (!store.sync) return;
      const key = entryKey('f', 'd1');
      const answers = [store.set(key, entry(1)), store.get(key), store.delete(key), store.clear()];
      assert.deepEqual(
        answers.map((answer) => isThenable(answer)),
        [false, false, false, false],
      );
    });

    it('answers getFresh as get and the freshness check would, when it has getFresh', async () => {
      const store = await make();
      if (store.getFresh === undefined) return;
      assert.ok(store.sync, 'getFresh is for sync stores');
      const getFresh = (key: EntryKey, now: number): unknown => store.getFresh?.(key, now);
      const fresh = entryKey('f', 'fresh');
      const forever = entryKey('f', 'forever');
      const live = entryKey('f', 'v8');
      await store.set(fresh, entry({ n: 1 }, 'json', { expiresAt: 60_005, staleUntil: 70_005 }));
      await store.set(forever, entry('kept'));
      await store.set(live, entry(new Map([[1, 2n]]), 'v8', { expiresAt: 60_005, staleUntil: 60_005 }));
      assert.deepEqual(getFresh(fresh, 60_004), { n: 1 });
      // Expired at its expiresAt, inside its stale window or not: a stale value is `get`'s to give.
      assert.equal(getFresh(fresh, 60_005), NOT_FOUND);
      assert.equal(getFresh(forever, Number.MAX_SAFE_INTEGER), 'kept');
      assert.deepEqual(getFresh(live, 0), new Map([[1, 2n]]));
      assert.equal(getFresh(entryKey('f', 'absent'), 0), NOT_FOUND);
      assert.equal(getFresh({ ...fresh, text: `${fresh.text}x` }, 0), NOT_FOUND);
      await store.delete(forever);
      assert.equal(getFresh(forever, 0), NOT_FOUND);
    });

    it('counts entries per function, when it reports functions', async () => {
      const store = await make();
      if (store.functions === undefined) return;
      for (const key of [entryKey('f', 'd1'), entryKey('f', 'd2'), entryKey('g', 'd1')]) await store.set(key, entry(1));
      const counts = new Map((await store.functions()).map((info) => [info.fn, info.entries]));
      assert.deepEqual([counts.get('f'), counts.get('g')], [2, 1]);
    });

    if (factory.reopen !== undefined) {
      const reopen = factory.reopen;
      it('keeps entries across a reopen', async () => {
        const store = await make();
        const key = entryKey('f', 'persist');
        await store.set(key, entry({ kept: true }));
        await store.close();
        open.splice(open.indexOf(store), 1);
        const again = await reopen();
        open.push(again);
        assert.deepEqual((await again.get(key))?.value, { kept: true });
      });
    }
  });
}
