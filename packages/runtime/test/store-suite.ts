/**
 * The store contract suite: every store runs the same cases (`describeStore(name, factory)`).
 * A store that passes it can stand in any tier list.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { xxh64 } from '../src/key/xxh64.js';
import type { CodecName, EntryKey, Store, StoredEntry } from '../src/store.js';

export interface StoreFactory {
  /** A fresh, empty store. */
  create(): Store | Promise<Store>;
  /** For persistent stores: a second store over the same data (another handle, as a restart). */
  reopen?(): Store | Promise<Store>;
}

export function entryKey(fn: string, args: string, version = '1'): EntryKey {
  const text = `${fn}\u0000${version}\u0000${args}`;
  return { fn, version, text, hash: xxh64(text) };
}

export function entry(value: unknown, codec: CodecName = 'json', times: Partial<StoredEntry> = {}): StoredEntry {
  return {
    value,
    codec,
    createdAt: 1000,
    expiresAt: Number.POSITIVE_INFINITY,
    staleUntil: Number.POSITIVE_INFINITY,
    ...times,
  };
}

export function describeStore(name: string, factory: StoreFactory): void {
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
      expect(await store.get(entryKey('f', 'd1'))).toBeUndefined();
    });

    it('returns what was set, with its codec and times', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(
        key,
        entry({ name: 'Ada', tags: ['x'] }, 'json', { createdAt: 5, expiresAt: 60_005, staleUntil: 70_005 }),
      );
      const got = await store.get(key);
      expect(got?.value).toEqual({ name: 'Ada', tags: ['x'] });
      expect(got?.codec).toBe('json');
      expect(got).toMatchObject({ createdAt: 5, expiresAt: 60_005, staleUntil: 70_005 });
    });

    it('keeps forever as Infinity', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(key, entry(1));
      expect((await store.get(key))?.expiresAt).toBe(Number.POSITIVE_INFINITY);
    });

    it('never returns an entry whose key text differs, even at the same hash', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(key, entry('right'));
      const impostor: EntryKey = { ...key, text: `${key.text}x` };
      expect(await store.get(impostor)).toBeUndefined();
      expect((await store.get(key))?.value).toBe('right');
    });

    it('replaces an entry on set', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(key, entry('old'));
      await store.set(key, entry('new'));
      expect((await store.get(key))?.value).toBe('new');
    });

    it('returns expired entries and leaves freshness to the runtime', async () => {
      const store = await make();
      const key = entryKey('f', 'd1');
      await store.set(key, entry('stale', 'json', { expiresAt: 2, staleUntil: 3 }));
      expect((await store.get(key))?.expiresAt).toBe(2);
    });

    it('deletes one entry and says whether it was there', async () => {
      const store = await make();
      const [a, b] = [entryKey('f', 'd1'), entryKey('f', 'd2')];
      await store.set(a, entry(1));
      await store.set(b, entry(2));
      expect(await store.delete(a)).toBe(true);
      expect(await store.delete(a)).toBe(false);
      expect(await store.get(a)).toBeUndefined();
      expect((await store.get(b))?.value).toBe(2);
    });

    it('clears one function or everything', async () => {
      const store = await make();
      const [f1, f2, g1] = [entryKey('f', 'd1'), entryKey('f', 'd2'), entryKey('g', 'd1')];
      for (const key of [f1, f2, g1]) await store.set(key, entry(key.text));
      expect(await store.clear('f')).toBe(2);
      expect(await store.get(f1)).toBeUndefined();
      expect((await store.get(g1))?.value).toBe(g1.text);
      expect(await store.clear()).toBe(1);
      expect(await store.get(g1)).toBeUndefined();
    });

    it('keeps versions apart', async () => {
      const store = await make();
      await store.set(entryKey('f', 'd1', '1'), entry('v1'));
      expect(await store.get(entryKey('f', 'd1', '2'))).toBeUndefined();
    });

    it('holds many entries', async () => {
      const store = await make();
      for (let i = 0; i < 500; i++) await store.set(entryKey('f', `d${i}`), entry({ i }));
      for (let i = 0; i < 500; i += 37) expect((await store.get(entryKey('f', `d${i}`)))?.value).toEqual({ i });
    });

    it('round-trips unicode and large text', async () => {
      const store = await make();
      const value = { text: 'ü∑ß日本\u0000\u2028'.repeat(2000) };
      const key = entryKey('f', 's"ü\u0000"');
      await store.set(key, entry(value));
      expect((await store.get(key))?.value).toEqual(value);
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
      expect(got).toEqual(value);
      expect(got.when).toBeInstanceOf(Date);
      expect(got.map).toBeInstanceOf(Map);
      expect(got.bytes).toBeInstanceOf(Uint8Array);
      expect('missing' in got).toBe(true);
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
        expect((await again.get(key))?.value).toEqual({ kept: true });
      });
    }
  });
}
