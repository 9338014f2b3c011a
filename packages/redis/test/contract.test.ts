/** The shared store contract, against a real redis-server. */
import { afterAll, beforeAll } from 'vitest';
import { describeStore } from '../../runtime/test/store-suite.js';
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
describeStore('redis', {
  create: () => redisStore({ url: server.url, prefix: (prefix = `contract${++run}:`) }),
  reopen: () => redisStore({ url: server.url, prefix }),
});
