/**
 * What the Redis store does beyond the shared contract: autobatching, entry expiry in Redis, the
 * herd lease and its wake-ups, the invalidation bus, and failing fast on a dead server.
 */

import { entry, entryKey, type Invalidation, type Store } from '@cachet/runtime/store';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectRejection } from '../../../test/support/expect-error.js';
import { redisStore } from '../src/index.js';
import { names } from '../src/keys.js';
import { ownRedis, type RedisServer, type SharedRedis, sharedRedis, startRedis, subscribed } from './redis-server.js';

let server: SharedRedis;
let admin: Redis;
beforeAll(async () => {
  server = await sharedRedis('redis-store');
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin.disconnect();
  await server.stop();
});

const open: Store[] = [];
let run = 0;
/** The prefix of the stores `stores()` made last. */
let prefix = '';
/** Stores over one fresh prefix: "processes" sharing a Redis. */
function stores(count: number, options: Parameters<typeof redisStore>[0] = {}): Store[] {
  prefix = `${server.ns}t${++run}:`;
  const made = Array.from({ length: count }, () => redisStore({ url: server.url, prefix, ...options }));
  open.push(...made);
  return made;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});

// Counts the commands a server of its own served (other files may share the REDIS_URL one).
describe.runIf(ownRedis)('autobatching', () => {
  let own: RedisServer;
  let ownAdmin: Redis;
  beforeAll(async () => {
    own = await startRedis();
    ownAdmin = new Redis(own.url);
  });
  afterAll(async () => {
    ownAdmin.disconnect();
    await own.stop();
  });
  const calls = async (command: string): Promise<number> => {
    const info = await ownAdmin.info('commandstats');
    return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  };

  it('sends the reads of one tick as one MGET', async () => {
    const [store] = stores(1, { url: own.url }) as [Store];
    const keys = Array.from({ length: 50 }, (_, i) => entryKey('f', `d${i}`));
    await store.set(keys[7] as never, entry('seven'));
    const before = { mget: await calls('mget'), get: await calls('get') };
    const got = await Promise.all(keys.map((key) => store.get(key)));
    expect(got.filter((one) => one !== undefined).map((one) => one?.value)).toEqual(['seven']);
    expect((await calls('mget')) - before.mget).toBe(1);
    expect((await calls('get')) - before.get).toBe(0);
  });

  it('sends the writes of one tick as one pipeline, before the reads of that tick', async () => {
    const client = new Redis(own.url);
    const [store] = stores(1, { client }) as [Store];
    const pipeline = vi.spyOn(client, 'pipeline');
    const set = vi.spyOn(client, 'set');
    const keys = Array.from({ length: 20 }, (_, i) => entryKey('f', `w${i}`));
    const writes = keys.map((key, i) => store.set(key, entry(i)));
    const read = store.get(keys[3] as never);
    await Promise.all(writes);
    expect((await read)?.value).toBe(3);
    expect(pipeline).toHaveBeenCalledTimes(1);
    expect(set).not.toHaveBeenCalled();
    await store.close();
    client.disconnect();
  });
});

describe('entries in Redis', () => {
  it('lets Redis drop an entry when its stale window ends, and keeps forever entries', async () => {
    const [store] = stores(1, { prefix: `${server.ns}ttl:` }) as [Store];
    const [short, forever] = [entryKey('f', 'short'), entryKey('f', 'forever')];
    await store.set(short, entry(1, 'json', { createdAt: 1000, expiresAt: 61_000, staleUntil: 91_000 }));
    await store.set(forever, entry(2));
    const name = names(`${server.ns}ttl:`).entry;
    expect(await admin.pttl(name(short))).toBeGreaterThan(89_000);
    expect(await admin.pttl(name(short))).toBeLessThanOrEqual(90_000);
    expect(await admin.pttl(name(forever))).toBe(-1);
  });

  it('treats undecodable bytes as a miss, deletes them and warns once', async () => {
    const warnings: string[] = [];
    const [store] = stores(1, {
      prefix: `${server.ns}bad:`,
      logger: { warn: (message) => warnings.push(message) },
    }) as [Store];
    const key = entryKey('f', 'd1');
    await store.set(key, entry('fine'));
    const [name] = await admin.keys(`${server.ns}bad:v:*`);
    await admin.set(name as string, 'not an entry');
    expect(await store.get(key)).toBeUndefined();
    expect(await admin.exists(name as string)).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/an entry of f in redis failed to decode; dropped it/)]);
  });

  it('lists entries and bytes per function', async () => {
    const [store] = stores(1) as [Store];
    for (let i = 0; i < 30; i++) await store.set(entryKey(i % 3 === 0 ? 'g' : 'f', `d${i}`), entry('x'.repeat(100)));
    const infos = await store.functions?.();
    expect(infos?.map(({ fn, entries }) => ({ fn, entries }))).toEqual([
      { fn: 'f', entries: 20 },
      { fn: 'g', entries: 10 },
    ]);
    expect(infos?.[0]?.bytes).toBeGreaterThan(20 * 100);
  });

  it('clears only the named function even when another id starts with it', async () => {
    const [store] = stores(1) as [Store];
    await store.set(entryKey('f', 'd1'), entry(1));
    await store.set(entryKey('f:x', 'd1'), entry(2));
    await store.set(entryKey('f*', 'd1'), entry(3));
    expect(await store.clear('f')).toBe(1);
    expect((await store.get(entryKey('f:x', 'd1')))?.value).toBe(2);
    expect(await store.clear('f*')).toBe(1);
    expect((await store.get(entryKey('f:x', 'd1')))?.value).toBe(2);
  });
});

describe('the herd lease', () => {
  it('has one owner at a time; only the owner releases it', async () => {
    const [a, b] = stores(2) as [Store, Store];
    const key = entryKey('f', 'hot');
    expect(await a.acquireLease?.(key, 10_000)).toBe(true);
    expect(await b.acquireLease?.(key, 10_000)).toBe(false);
    await b.releaseLease?.(key); // not the owner: no effect
    expect(await b.acquireLease?.(key, 10_000)).toBe(false);
    await a.releaseLease?.(key);
    expect(await b.acquireLease?.(key, 10_000)).toBe(true);
  });

  it("takes the runtime's clock and logger when it is attached (no options of its own)", async () => {
    let time = 5000;
    const warnings: string[] = [];
    const [store] = stores(1, { prefix: `${server.ns}host:` }) as [Store];
    store.attach?.({ now: () => time, warn: (message) => warnings.push(message) });
    const key = entryKey('f', 'd1');
    await store.set(key, entry('done', 'json', { createdAt: 5000, expiresAt: 6000, staleUntil: 6000 }));
    expect(await store.acquireLease?.(key, 10_000)).toBe(false); // fresh by the attached clock
    time = 6000;
    expect(await store.acquireLease?.(key, 10_000)).toBe(true);
    const [name] = await admin.keys(`${server.ns}host:v:*`);
    await admin.set(name as string, 'not an entry');
    expect(await store.get(key)).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/failed to decode/)]);
  });

  it('is refused while a fresh entry is there, and granted once it expired', async () => {
    let time = 5000;
    const [a] = stores(1, { now: () => time }) as [Store];
    const key = entryKey('f', 'd1');
    await a.set(key, entry('done', 'json', { createdAt: 5000, expiresAt: 6000, staleUntil: 6000 }));
    expect(await a.acquireLease?.(key, 10_000)).toBe(false);
    time = 6000;
    expect(await a.acquireLease?.(key, 10_000)).toBe(true);
  });

  it('wakes a waiter as soon as the owner releases it', async () => {
    const [owner, waiter] = stores(2) as [Store, Store];
    const key = entryKey('f', 'hot');
    expect(await owner.acquireLease?.(key, 10_000)).toBe(true);
    let woke = false;
    const waiting = waiter.changed?.(key, 10_000).then(() => (woke = true));
    await subscribed(admin, names(prefix).wake(key), 1);
    expect(woke).toBe(false);
    const start = Date.now();
    await owner.set(key, entry('value'));
    await owner.releaseLease?.(key);
    await waiting;
    expect(Date.now() - start).toBeLessThan(1000);
    expect((await waiter.get(key))?.value).toBe('value');
  });

  it('does not wait when the lease is already gone', async () => {
    const [store] = stores(1) as [Store];
    const start = Date.now();
    await store.changed?.(entryKey('f', 'free'), 10_000);
    expect(Date.now() - start).toBeLessThan(1000);
  });

  it('lets a waiter take over when the owner dies: the lease expires', async () => {
    const [owner, waiter] = stores(2) as [Store, Store];
    const key = entryKey('f', 'orphan');
    expect(await owner.acquireLease?.(key, 150)).toBe(true); // and never released
    const start = Date.now();
    while (!(await waiter.acquireLease?.(key, 10_000))) await waiter.changed?.(key, 40);
    expect(Date.now() - start).toBeGreaterThanOrEqual(100);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});

describe('the invalidation bus', () => {
  it('tells other stores about a delete or clear, never the sender itself', async () => {
    const [a, b] = stores(2) as [Store, Store];
    const heard: { a: Invalidation[]; b: Invalidation[] } = { a: [], b: [] };
    a.subscribe?.((one) => heard.a.push(one));
    b.subscribe?.((one) => heard.b.push(one));
    await subscribed(admin, names(prefix).bus, 2);
    const key = entryKey('f', 'd1');
    await b.delete(key);
    await b.clear('f');
    await b.clear();
    await vi.waitFor(() => expect(heard.a).toHaveLength(3));
    expect(heard.a).toEqual([{ fn: 'f', text: key.text }, { fn: 'f' }, {}]);
    expect(heard.b).toEqual([]);
  });
});

describe('a dead server', () => {
  it('fails a call within the timeout when nothing listens', async () => {
    const store = redisStore({ url: 'redis://127.0.0.1:1', timeout: 200 });
    open.push(store);
    const start = Date.now();
    await expectRejection(() => store.get(entryKey('f', 'd1')), { code: 'CACHET_E_STORE', message: /redis/ });
    expect(Date.now() - start).toBeLessThan(1000);
  });

  it.runIf(ownRedis)('fails fast while the server is down and reconnects by itself when it is back', async () => {
    const local = await startRedis();
    try {
      const store = redisStore({ url: local.url, timeout: 300 });
      open.push(store);
      const key = entryKey('f', 'd1');
      await store.set(key, entry('before'));
      await local.kill();
      await vi.waitFor(
        () => expectRejection(() => store.get(key), { code: 'CACHET_E_STORE', message: /unreachable|did not answer/ }),
        {
          timeout: 2000,
        },
      );
      const start = Date.now();
      await expectRejection(() => store.get(key), { code: 'CACHET_E_STORE', message: /unreachable|did not answer/ });
      await expectRejection(() => store.acquireLease?.(key, 1000), {
        code: 'CACHET_E_STORE',
        message: /unreachable|did not answer/,
      });
      expect(Date.now() - start).toBeLessThan(700);
      await local.restart();
      await vi.waitFor(async () => expect(await store.get(key)).toBeUndefined(), { timeout: 5000, interval: 50 });
      await store.set(key, entry('after'));
      expect((await store.get(key))?.value).toBe('after');
    } finally {
      await local.stop();
    }
  });
});
