/**
 * One slow Redis command (the server paused for longer than the store's timeout) costs the tier a
 * short skip, not the whole back-off: the next call after a second uses Redis again.
 */
import { cached, close, configure, stats } from '@cachet/runtime';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { type RedisServer, startRedis } from './redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await close();
  await server.stop();
});

describe('the redis tier after a slow command', () => {
  it('is skipped for 1 s, then used again', async () => {
    let time = 1_000_000;
    const warnings: string[] = [];
    configure({
      now: () => time,
      logger: { warn: (message: string) => warnings.push(message) },
      backoff: '30s',
      stores: { slow: redisStore({ url: server.url, prefix: 'backoff:', timeout: 200 }) },
    });
    let runs = 0;
    const f = cached(async (n: number) => `${n}#${++runs}`, { id: 'backoff-slow', storage: 'slow' });
    expect(await f(1)).toBe('1#1');
    const admin = new Redis(server.url);
    try {
      // The server stops answering other clients for 600 ms: the store's next command times out.
      await admin.client('PAUSE', 600, 'ALL');
      expect(await f(2)).toBe('2#2');
      expect(warnings).toEqual([
        'tier "redis" failed to get; skipping it for 1000 ms, longer while it keeps failing (up to 30000 ms)',
      ]);
      await admin.ping(); // answered once the pause is over
      time += 1_000;
      const writes = stats(f).tiers.redis?.writes ?? 0;
      expect(await f(3)).toBe('3#3');
      expect(stats(f).tiers.redis?.writes).toBe(writes + 1); // Redis is used again after 1 s
      expect(await f(3)).toBe('3#3');
      expect(stats(f).tiers.redis?.hits).toBe(1); // and read from it
    } finally {
      admin.disconnect();
    }
  });
});
