/**
 * The Redis servers tests use. `sharedRedis(file)` is the one a test file's tests share: the
 * server at `REDIS_URL` when that is set (an existing server: the file's keys all start with its
 * own namespace, and only those are deleted at the end), else a private one. `startRedis()` is a
 * private `redis-server` (a free loopback port, no persistence, a temp directory) for the tests
 * that need one of their own: `kill()` and `restart()` take it away and bring it back on the same
 * port. With only `REDIS_URL`, those tests are skipped (`ownRedis`; never under CI).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, Redis } from 'ioredis';
import { ownRedis, redis } from '../../../test/support/services.js';

export { ownRedis };

/** A server a test file shares among its tests. */
export interface SharedRedis {
  readonly url: string;
  /**
   * What every key prefix of the file starts with: one per file and run, so that files sharing a
   * `REDIS_URL` server (at once, or a run left unfinished) never meet each other's keys.
   */
  readonly ns: string;
  /** Deletes the file's keys (all under `ns`) and lets the server go. */
  stop(): Promise<void>;
}

export interface RedisServer extends SharedRedis {
  readonly port: number;
  /** Stops the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  readonly args?: readonly string[];
}

/**
 * The server for the tests of the file `file` (a short name for its namespace): `REDIS_URL`'s,
 * else a private one.
 */
export async function sharedRedis(file: string): Promise<SharedRedis> {
  const ns = `cachet-test:${file}:${process.pid}-${Date.now().toString(36)}:`;
  if (redis.url === undefined) {
    const own = await startRedis();
    return { url: own.url, ns, stop: () => own.stop() };
  }
  const url = redis.url;
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await admin.connect();
    await admin.ping();
  } catch (error) {
    admin.disconnect();
    throw new Error(`REDIS_URL: no Redis answers at ${url}`, { cause: error });
  }
  return {
    url,
    ns,
    async stop() {
      try {
        await deleteUnder(admin, ns);
      } finally {
        admin.disconnect();
      }
    },
  };
}

/** Deletes every key starting with `ns` (a namespace without glob characters), and nothing else. */
export async function deleteUnder(client: Redis, ns: string): Promise<number> {
  if (/[*?[\]\\]/.test(ns)) throw new Error(`namespace ${ns} has glob characters`);
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, names] = await client.scan(cursor, 'MATCH', `${ns}*`, 'COUNT', 500);
    cursor = next;
    if (names.length > 0) deleted += await client.unlink(...names);
  } while (cursor !== '0');
  return deleted;
}

/** A private redis-server (the tests that kill, pause, cluster or count a server of their own). */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (redis.path === undefined) throw new Error(`no redis-server on this machine: ${redis.install}`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cachet-redis-'));
  const args = [
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
    ...(options.args ?? []),
  ];
  let child = await launch(args);
  const exited = (c: ChildProcess): Promise<void> =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r()));
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    ns: '',
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      child = await launch(args);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns redis-server and waits for "Ready to accept connections". */
function launch(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(redis.path ?? 'redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start:\n${output}`)), 10_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      if (!output.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve(child);
    });
  });
}

/** A port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Resolves once `count` connections are subscribed to `channel` on the server behind `client`:
 * what a test awaits before publishing, instead of sleeping.
 */
export async function subscribed(client: Redis | Cluster, channel: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [, now] = (await client.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    if (Number(now) >= count) return;
    if (Date.now() > deadline) throw new Error(`${channel}: ${now} of ${count} subscribers after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
