/** The store conformance kit (`@cachet/runtime/store`), against a real redis-server. */
import { describeStore } from '@cachet/runtime/store';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { type SharedRedis, sharedRedis } from './redis-server.js';

let server: SharedRedis;
beforeAll(async () => {
  server = await sharedRedis('contract');
});
afterAll(async () => {
  await server.stop();
});

let run = 0;
let prefix = '';
describeStore(
  'redis',
  {
    create: () => redisStore({ url: server.url, prefix: (prefix = `${server.ns}contract${++run}:`) }),
    reopen: () => redisStore({ url: server.url, prefix }),
  },
  { describe, it, afterEach },
);
