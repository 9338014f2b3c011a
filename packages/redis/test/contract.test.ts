/** The store conformance kit (`@cachet/runtime/store`), against a real redis-server. */
import { describeStore } from '@cachet/runtime/store';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { type RedisServer, startRedis } from './redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server.stop();
});

let run = 0;
let prefix = '';
describeStore(
  'redis',
  {
    create: () => redisStore({ url: server.url, prefix: (prefix = `contract${++run}:`) }),
    reopen: () => redisStore({ url: server.url, prefix }),
  },
  { describe, it, afterEach },
);
