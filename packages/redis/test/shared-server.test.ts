/**
 * The clean-up a test file does on a shared `REDIS_URL` server: it deletes the keys under its own
 * namespace and nothing else, not even a key whose name only starts like the namespace.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRejection } from '../../../test/support/expect-error.js';
import { deleteUnder, type SharedRedis, sharedRedis } from './redis-server.js';

let server: SharedRedis;
let admin: Redis;
beforeAll(async () => {
  server = await sharedRedis('shared-server');
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin.disconnect();
  await server.stop();
});

describe('deleteUnder', () => {
  it("deletes the namespace's keys, of every type and many SCAN pages, and no other", async () => {
    const ns = server.ns;
    const outside = [`${ns.slice(0, -1)}-sibling`, `x${ns}inner`, `${ns.slice(0, -1)}`];
    for (const name of outside) await admin.set(name, 'keep');
    await admin.set(`${ns}v:f:{00000000000000ff}`, 'entry');
    await admin.hset(`${ns}h`, 'field', 'value');
    await admin.rpush(`${ns}l`, 'one');
    for (let i = 0; i < 1200; i++) await admin.set(`${ns}many:${i}`, String(i));
    try {
      expect(await deleteUnder(admin, ns)).toBe(1203);
      expect(await admin.keys(`${ns}*`)).toEqual([]);
      for (const name of outside) expect(await admin.get(name)).toBe('keep');
    } finally {
      await admin.del(...outside);
    }
  });

  it('refuses a namespace with glob characters, which would match more than itself', async () => {
    await expectRejection(() => deleteUnder(admin, 'a*:'), { message: /glob characters/ });
    await expectRejection(() => deleteUnder(admin, 'a[bc]:'), { message: /glob characters/ });
  });
});
