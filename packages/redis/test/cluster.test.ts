/**
 * Redis Cluster through an ioredis `Cluster` client: a one-node cluster owning all 16384 slots.
 * Multi-key commands across slots fail there as on a real cluster, so this checks that reads are
 * grouped by slot, that SCAN covers every master, and that a lease and its entry share a slot.
 */

import { describeStore, entry, entryKey, type Store } from '@cachet/runtime/store';
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisStore } from '../src/index.js';
import { type RedisServer, startRedis, subscribed } from './redis-server.js';

let server: RedisServer;
let cluster: Cluster;
beforeAll(async () => {
  server = await startRedis({
    args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'],
  });
  const node = new Redis(server.url);
  await node.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  await vi.waitFor(async () => expect(await node.call('CLUSTER', 'INFO')).toMatch(/cluster_state:ok/), {
    timeout: 10_000,
    interval: 50,
  });
  node.disconnect();
  cluster = new Cluster([{ host: '127.0.0.1', port: server.port }]);
});
afterAll(async () => {
  cluster.disconnect();
  await server.stop();
});

let run = 0;
let prefix = '';
describeStore(
  'redis cluster',
  {
    create: () => redisStore({ client: cluster, prefix: (prefix = `cluster${++run}:`) }),
    reopen: () => redisStore({ client: cluster, prefix }),
  },
  { describe, it, afterEach },
);

describe('on a cluster', () => {
  it('reads keys of many slots in one tick, leases, clears across the masters and publishes it', async () => {
    const [a, b]: [Store, Store] = [
      redisStore({ client: cluster, prefix: 'c:' }),
      redisStore({ client: cluster, prefix: 'c:' }),
    ];
    const keys = Array.from({ length: 64 }, (_, i) => entryKey('f', `d${i}`));
    await Promise.all(keys.map((key, i) => a.set(key, entry(i))));
    const got = await Promise.all(keys.map((key) => b.get(key)));
    expect(got.map((one) => one?.value)).toEqual(keys.map((_, i) => i));
    const hot = entryKey('f', 'hot');
    expect(await a.acquireLease?.(hot, 10_000)).toBe(true);
    expect(await b.acquireLease?.(hot, 10_000)).toBe(false);
    await a.releaseLease?.(hot);
    expect(await b.acquireLease?.(hot, 10_000)).toBe(true);
    const heard: unknown[] = [];
    a.subscribe?.((one) => heard.push(one));
    await subscribed(cluster, 'c:bus', 1);
    expect(await b.clear('f')).toBe(64);
    await vi.waitFor(() => expect(heard).toEqual([{ fn: 'f' }]));
    await a.close();
    await b.close();
  });
});
