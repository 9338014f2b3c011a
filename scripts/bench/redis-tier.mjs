/**
 * The Redis tier next to bentocache's Redis driver (L2 only, no memory layer on either side), on
 * a private redis-server on a free loopback port, in one run:
 *   (a) a hit of a 1 KB JSON value, memory tier cold: one awaited call at a time, so every call
 *       is a round trip; raw ioredis GET + JSON.parse as the floor;
 *   (b) 100 hits issued in one tick (Cachet sends them as one MGET);
 *   (c) the herd in one process: 100 concurrent callers of one missing key, a 20 ms function;
 *   (d) the herd across 4 processes x 25 callers of one missing key: wall time and how many
 *       times the function ran in all (counted with Redis INCR);
 *   (e) a fleet of S app servers (S stores, each with its own two connections, in this one
 *       process, driven by the runtime's own lease wait) missing one hot key at once: time until
 *       every server has the value, runs, and Redis commands per server per miss. Figures for
 *       docs/scaling.md; one process on a small machine plays every server, so its times are an
 *       upper bound.
 * cacheable appears as it is configured for a shared Redis: its secondary tier, a Keyv over
 * @keyv/redis (reads with memory cold), and getOrSet over that secondary for the herds.
 * Run: npm run build && node scripts/bench/redis-tier.mjs
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { redisStore } from '@cachet/redis';
import { cached, close, configure } from '@cachet/runtime';
import { createKeyv } from '@keyv/redis';
import { BentoCache, bentostore } from 'bentocache';
import { redisDriver } from 'bentocache/drivers/redis';
import { Cacheable } from 'cacheable';
import { Redis } from 'ioredis';
import { measureAsync, print } from './harness.mjs';

const FACTORY_MS = 20;
const payload = (id) => ({
  id,
  name: `user ${id}`,
  tags: Array.from({ length: 12 }, (_, i) => `tag-${id}-${i}`),
  bio: 'x'.repeat(720),
});

/** Cachet or bentocache over Redis at `url`, both without a memory layer. */
function contenders(url, prefix) {
  const { port } = new URL(url);
  configure({ lease: '10s', stores: { redis: redisStore({ url, prefix: `${prefix}cachet:` }) } });
  const bento = new BentoCache({
    default: 'redis',
    stores: {
      redis: bentostore().useL2Layer(
        redisDriver({ connection: { host: '127.0.0.1', port: Number(port) }, prefix: `${prefix}bento` }),
      ),
    },
  });
  const keyv = createKeyv(url, { namespace: `${prefix}keyv` });
  const cacheable = new Cacheable({ secondary: createKeyv(url, { namespace: `${prefix}cacheable` }), ttl: '1h' });
  return { bento, keyv, cacheable };
}

// --- (d), the child side: one of several app servers missing the same keys ----------------
if (process.argv[2] === 'child') {
  const [, , , lib, url, prefix, rounds, callers] = process.argv;
  const counter = new Redis(url);
  const subscriber = new Redis(url);
  const { bento, keyv, cacheable } = contenders(url, prefix);
  const factory = async (key) => {
    await counter.incr(`${prefix}runs:${lib}:${key}`);
    await sleep(FACTORY_MS);
    return payload(key);
  };
  const load = cached(factory, { id: 'bench#herd-processes', storage: 'redis' });
  const calls = {
    cachet: load,
    bento: (key) => bento.getOrSet({ key: `herd:${key}`, ttl: '1h', factory: () => factory(key) }),
    cacheable: (key) => cacheable.getOrSet(`herd:${key}`, () => factory(key)),
  };
  const call = calls[lib];
  const times = [];
  const go = new Map();
  subscriber.on('message', (_channel, round) => go.get(Number(round))?.());
  await subscriber.subscribe(`${prefix}go`);
  for (let round = 0; round < Number(rounds); round++) {
    const started = new Promise((resolve) => go.set(round, resolve));
    await counter.incr(`${prefix}ready:${lib}:${round}`);
    await started;
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: Number(callers) }, () => call(round)));
    if (round > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6); // round 0 warms up
  }
  process.stdout.write(`${JSON.stringify(times)}\n`);
  counter.disconnect();
  subscriber.disconnect();
  await bento.disconnectAll();
  await keyv.disconnect();
  await cacheable.disconnect();
  await close();
  process.exit(0);
}

// --- the parent: a private redis-server ------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'cachet-bench-redis-'));
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const server = spawn('redis-server', [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  dir,
]);
await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => (out += chunk).includes('Ready to accept connections') && resolve());
  server.on('exit', () => reject(new Error(`redis-server exited:\n${out}`)));
});
const url = `redis://127.0.0.1:${port}`;
const raw = new Redis(url);
const { bento, keyv, cacheable } = contenders(url, 'b:');
console.log(
  `redis-server ${(await raw.info('server')).match(/redis_version:(\S+)/)[1]} on loopback; 1 KB value: ${JSON.stringify(payload(1)).length} bytes of JSON`,
);

// --- (a) and (b): hits ----------------------------------------------------------------------
const KEYS = 1024;
const hit = cached(async (id) => payload(id), { id: 'bench#hit', storage: 'redis' });
for (let i = 0; i < KEYS; i++) {
  await hit(i);
  await bento.getOrSet({ key: `hit:${i}`, ttl: '1h', factory: () => payload(i) });
  await keyv.set(`hit:${i}`, payload(i));
  await raw.set(`raw:${i}`, JSON.stringify(payload(i)));
}
const bentoHit = (i) => bento.getOrSet({ key: `hit:${i}`, ttl: '1h', factory: () => payload(i) });
print(
  await measureAsync(
    '(a) hit, 1 KB JSON value, memory tier cold, one call at a time',
    {
      'raw ioredis GET + JSON.parse': async (i) => JSON.parse(await raw.get(`raw:${i & (KEYS - 1)}`)),
      'cached(), storage: redisStore': (i) => hit(i & (KEYS - 1)),
      'bentocache getOrSet, redis driver (L2 only)': (i) => bentoHit(i & (KEYS - 1)),
      'Keyv + @keyv/redis (cacheable secondary)': (i) => keyv.get(`hit:${i & (KEYS - 1)}`),
    },
    { batch: 1000, rounds: 20 },
  ),
  'raw ioredis GET + JSON.parse',
);
const hundred = (base) => Array.from({ length: 100 }, (_, j) => (base * 100 + j) & (KEYS - 1));
print(
  await measureAsync(
    '(b) 100 hits issued in one tick (time per batch of 100)',
    {
      'raw ioredis, 100 GET + JSON.parse': (i) =>
        Promise.all(hundred(i).map(async (k) => JSON.parse(await raw.get(`raw:${k}`)))),
      'cached(), storage: redisStore (one MGET)': (i) => Promise.all(hundred(i).map((k) => hit(k))),
      'bentocache getOrSet, redis driver (L2 only)': (i) => Promise.all(hundred(i).map((k) => bentoHit(k))),
      'Keyv + @keyv/redis (cacheable secondary)': (i) => Promise.all(hundred(i).map((k) => keyv.get(`hit:${k}`))),
    },
    { batch: 50, rounds: 20 },
  ),
  'raw ioredis, 100 GET + JSON.parse',
);

// --- (c) the herd in one process ------------------------------------------------------------
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ROUNDS = 25;
async function herdInProcess(name, call) {
  const times = [];
  let runs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 100 }, () => call(`${name}:${round}`, () => runs++)));
    if (round > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6); // round 0 warms up
  }
  return { name, median: median(times), runs: runs / ROUNDS };
}
const herdFn = cached(
  async (key, count) => {
    count();
    await sleep(FACTORY_MS);
    return payload(key);
  },
  { id: 'bench#herd', storage: 'redis', key: (key) => key },
);
const inProcess = [
  await herdInProcess('cached(), storage: redisStore', (key, count) => herdFn(key, count)),
  await herdInProcess('bentocache getOrSet, redis driver', (key, count) =>
    bento.getOrSet({
      key,
      ttl: '1h',
      factory: async () => {
        count();
        await sleep(FACTORY_MS);
        return payload(key);
      },
    }),
  ),
  await herdInProcess('cacheable getOrSet, @keyv/redis secondary', (key, count) =>
    cacheable.getOrSet(key, async () => {
      count();
      await sleep(FACTORY_MS);
      return payload(key);
    }),
  ),
];
console.log(
  `\n(c) herd in one process: 100 concurrent callers of one missing key, a ${FACTORY_MS} ms function, ${ROUNDS} keys`,
);
for (const { name, median, runs } of inProcess)
  console.log(
    `  ${name.padEnd(44)} median ${median.toFixed(2).padStart(7)} ms to serve all 100   runs per key ${runs}`,
  );

// --- (d) the herd across processes -----------------------------------------------------------
const PROCESSES = 4;
const CALLERS = 25;
async function herdAcross(lib) {
  const script = fileURLToPath(import.meta.url);
  const children = Array.from({ length: PROCESSES }, () => {
    const child = spawn(process.execPath, [script, 'child', lib, url, 'x:', String(ROUNDS), String(CALLERS)], {
      env: { ...process.env, CACHET_DIR: mkdtempSync(join(dir, 'app-')) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    return new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out))));
  });
  for (let round = 0; round < ROUNDS; round++) {
    while (Number(await raw.get(`x:ready:${lib}:${round}`)) < PROCESSES) await sleep(1);
    await sleep(5); // every child is back in its wait
    await raw.publish('x:go', String(round));
  }
  const times = (await Promise.all(children)).flat();
  let runs = 0;
  for (let round = 0; round < ROUNDS; round++) runs += Number(await raw.get(`x:runs:${lib}:${round}`));
  return {
    median: median(times),
    p90: [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.9)],
    runs: runs / ROUNDS,
  };
}
console.log(
  `\n(d) herd across ${PROCESSES} processes x ${CALLERS} callers of one missing key, a ${FACTORY_MS} ms function, ${ROUNDS} keys`,
);
for (const [lib, label] of [
  ['cachet', 'cached(), storage: redisStore'],
  ['bento', 'bentocache getOrSet, redis driver'],
  ['cacheable', 'cacheable getOrSet, @keyv/redis secondary'],
]) {
  const { median, p90, runs } = await herdAcross(lib);
  console.log(
    `  ${label.padEnd(44)} median ${median.toFixed(2).padStart(7)} ms  p90 ${p90.toFixed(2).padStart(7)} ms   runs per key ${runs}`,
  );
}

// --- (e) a fleet of servers missing one hot key --------------------------------------------------
// The runtime's lease wait and tier, which no entry exports, from tsc's output: a copy of those
// modules beside the bundled runtime's (nothing here relies on sharing their state or classes).
const { awaitLease } = await import('../../packages/runtime/dist/lease.js');
const { Tier } = await import('../../packages/runtime/dist/tier.js');
const host = { config: () => ({ now: Date.now, backoff: 1000 }), warn: console.warn, event: () => undefined };
const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await raw.info('stats'))[1]);
const FLEET_ROUNDS = 10;
console.log(`\n(e) S servers missing one hot key at once (a ${FACTORY_MS} ms function), ${FLEET_ROUNDS} rounds each`);
for (const size of [1, 10, 100, 300]) {
  const stores = Array.from({ length: size }, () => redisStore({ url, prefix: `fleet${size}:` }));
  const tiers = stores.map((store) => new Tier(store, host));
  for (const store of stores) store.subscribe(() => undefined); // every server listens to the bus
  const key = (round) => {
    const text = `fleet#hot\u00000\u0000${round}`;
    return { fn: 'fleet#hot', version: '0', text, hash: BigInt(round) * 7919n };
  };
  const serve = async (tier, k, runs) => {
    const found = await tier.get(k);
    if (found !== undefined) return found.value;
    const entry = await awaitLease(tier, k, 10_000, () => true);
    if (entry !== undefined) return entry.value;
    runs.count++;
    await sleep(FACTORY_MS);
    const value = payload(1);
    await tier.set(k, { value, codec: 'json', createdAt: Date.now(), expiresAt: Infinity, staleUntil: Infinity });
    await tier.releaseLease(k);
    return value;
  };
  await Promise.all(tiers.map((tier) => serve(tier, key(-1), { count: 0 }))); // connect and warm up
  const times = [];
  const runs = { count: 0 };
  const before = await commands();
  for (let round = 0; round < FLEET_ROUNDS; round++) {
    const start = process.hrtime.bigint();
    await Promise.all(tiers.map((tier) => serve(tier, key(round), runs)));
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const perServer = ((await commands()) - before - 1) / FLEET_ROUNDS / size; // less the INFO itself
  console.log(
    `  ${String(size).padStart(4)} servers   median ${median(times).toFixed(1).padStart(6)} ms until all have it   runs per key ${runs.count / FLEET_ROUNDS}   Redis commands per server (scripts' inner calls included) ${perServer.toFixed(1)}`,
  );
  await Promise.all(stores.map((store) => store.close()));
}

raw.disconnect();
await bento.disconnectAll();
await keyv.disconnect();
await cacheable.disconnect();
await close();
server.kill('SIGTERM');
await new Promise((resolve) => server.on('exit', resolve));
rmSync(dir, { recursive: true, force: true });
