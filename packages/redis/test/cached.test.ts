/**
 * The Redis tier through `cached()` in one process: hits with the memory tier cold, TTLs on an
 * injected clock, and a server that dies and comes back while calls keep returning their values.
 */
import { cached, close, configure, stats } from '@cachet/runtime';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisStore } from '../src/index.js';
import { ownRedis, type SharedRedis, sharedRedis, startRedis } from './redis-server.js';

let server: SharedRedis;
beforeAll(async () => {
  server = await sharedRedis('cached');
});
afterAll(async () => {
  await server.stop();
});

let time = 1_000_000;
const clock = { now: () => time, advance: (ms: number) => (time += ms) };
const warnings: { message: string; cause: unknown }[] = [];
const logger = { warn: (message: string, cause?: unknown) => warnings.push({ message, cause }) };

afterEach(async () => {
  await close();
  warnings.length = 0;
});

let run = 0;
/** A cached function on `storage` that counts its runs. */
function counted(storage: string, ttl?: string): { f: (n: number) => Promise<string>; runs: () => number } {
  let runs = 0;
  const f = cached(async (n: number) => `${n}#${++runs}`, { id: `cached-test-${++run}`, storage, ttl });
  return { f, runs: () => runs };
}

describe('cached() on the redis tier', () => {
  it('reads entries from Redis when memory is cold, with a memory tier in front when asked', async () => {
    const url = server.url;
    configure({
      now: clock.now,
      logger,
      stores: {
        remote: redisStore({ url, prefix: `${server.ns}c1:` }),
        shared: ['memory', redisStore({ url, prefix: `${server.ns}c1:`, name: 'redis-behind-memory' })],
      },
    });
    const remote = counted('remote');
    expect(await remote.f(1)).toBe('1#1');
    expect(await remote.f(1)).toBe('1#1'); // from Redis: no memory tier
    expect(stats(remote.f).tiers.redis?.hits).toBe(1);
    const shared = counted('shared');
    expect(await shared.f(1)).toBe('1#1');
    expect(await shared.f(1)).toBe('1#1');
    expect(stats(shared.f).tiers.memory?.hits).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('expires entries on the injected clock, without sleeping', async () => {
    configure({
      now: clock.now,
      logger,
      stores: { remote: redisStore({ url: server.url, prefix: `${server.ns}c2:` }) },
    });
    const { f, runs } = counted('remote', '10m');
    expect(await f(1)).toBe('1#1');
    clock.advance(9 * 60_000);
    expect(await f(1)).toBe('1#1');
    clock.advance(2 * 60_000);
    expect(await f(1)).toBe('1#2');
    expect(runs()).toBe(2);
  });

  it.runIf(ownRedis)(
    'keeps returning values while Redis is down, warns once, and uses Redis again when it is back',
    async () => {
      const local = await startRedis();
      try {
        const admin = new Redis(local.url);
        configure({
          now: clock.now,
          logger,
          backoff: '30s',
          stores: { remote: redisStore({ url: local.url, timeout: 300 }) },
        });
        const { f, runs } = counted('remote');
        expect(await f(1)).toBe('1#1');
        admin.disconnect();
        await local.kill();
        for (let n = 2; n < 12; n++) expect(await f(n)).toBe(`${n}#${n}`);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]?.message).toMatch(/tier "redis" failed to .*; skipping it for 1000 ms/);
        await local.restart();
        // The client reconnects by itself; each try past the back-off either finds it back or
        // starts another back-off (the clock is moved past it for the next try).
        await vi.waitFor(
          async () => {
            clock.advance(31_000);
            expect(await f(100)).toBe(`100#${runs()}`);
            const before = runs();
            expect(await f(100)).toBe(`100#${before}`);
            expect(stats(f).tiers.redis?.hits).toBeGreaterThan(0); // served by Redis again
          },
          { timeout: 5000, interval: 50 },
        );
        expect(warnings.length).toBeLessThanOrEqual(2); // once down, at most once more while reconnecting
        const check = new Redis(local.url);
        expect(await check.dbsize()).toBeGreaterThan(0);
        check.disconnect();
      } finally {
        await local.stop();
      }
    },
  );
});
