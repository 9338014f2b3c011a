import { randomUUID } from 'node:crypto';
import { CachetCodecError, isCachetError } from '@cachet/runtime';
import type {
  EntryKey,
  InvalidationListener,
  Store,
  StoredEntry,
  StoreFunctionInfo,
  StoreHost,
} from '@cachet/runtime/store';
import type { Cluster, Redis } from 'ioredis';
import { Batcher } from './batcher.js';
import { Bus } from './bus.js';
import { Connection } from './connection.js';
import { decodeEntry, encodeEntry } from './entry-format.js';
import { type Names, names } from './keys.js';
import { consoleLogger, type RedisStoreOptions, type ResolvedRedisOptions, resolveOptions } from './options.js';
import { acquireScript, releaseScript, run } from './scripts.js';

/** The shortest time Redis keeps an entry, so one written already stale is still there to read. */
const MIN_PX = 1000;

/**
 * A Cachet store on Redis, Valkey or Redis Cluster, for many processes on many machines: the
 * shared tier, a cross-machine herd lease and an invalidation bus.
 *
 * @example
 * import { configure } from '@cachet/runtime';
 * import { redisStore } from '@cachet/redis';
 *
 * configure({ stores: { shared: ['memory', redisStore({ url: process.env.REDIS_URL })] } });
 * // then: @cached ttl=10m storage=shared
 */
export function redisStore(options: RedisStoreOptions = {}): Store {
  return new RedisStore(resolveOptions(options));
}

class RedisStore implements Store {
  readonly name: string;
  readonly sync = false;
  readonly persistent = true;
  private readonly connection: Connection;
  private readonly batch: Batcher;
  private readonly bus: Bus;
  private readonly names: Names;
  /** Tells this store's messages and leases from those of other processes. */
  private readonly instance = randomUUID();
  private readonly warned = new Set<string>();
  private host: StoreHost = { now: Date.now, warn: (message, cause) => consoleLogger.warn(message, cause) };

  constructor(private readonly opts: ResolvedRedisOptions) {
    this.name = opts.name;
    this.names = names(opts.prefix);
    this.connection = new Connection(opts.client, opts.ownsClient, opts.timeout);
    this.batch = new Batcher(this.connection);
    this.bus = new Bus(this.connection, this.names.bus, this.instance);
  }

  attach(host: StoreHost): void {
    this.host = host;
  }

  private now(): number {
    return this.opts.now !== undefined ? this.opts.now() : this.host.now();
  }

  async get(key: EntryKey): Promise<StoredEntry | undefined> {
    this.connection.check();
    const data = await this.batch.get(this.names.entry(key));
    if (data === null) return undefined;
    try {
      return decodeEntry(data, key);
    } catch (error) {
      if (!isCachetError(error, CachetCodecError.code)) throw error;
      this.warnOnce('decode', `an entry of ${key.fn} in ${this.name} failed to decode; dropped it`, error);
      await this.connection.bounded(this.connection.client.del(this.names.entry(key)), 'DEL');
      return undefined;
    }
  }

  set(key: EntryKey, entry: StoredEntry): Promise<void> {
    this.connection.check();
    // Encoded now: Redis gets the value as it was returned, whatever happens to it later.
    const data = encodeEntry(key, entry);
    const px = Number.isFinite(entry.staleUntil)
      ? Math.max(Math.ceil(entry.staleUntil - entry.createdAt), MIN_PX)
      : undefined;
    return this.batch.set(this.names.entry(key), data, px);
  }

  async delete(key: EntryKey): Promise<boolean> {
    const { client } = this.command();
    const removed = await this.connection.bounded(client.del(this.names.entry(key)), 'DEL');
    // Published even when Redis had no entry: another process may still hold it in memory.
    await this.bus.publish({ fn: key.fn, text: key.text });
    return removed > 0;
  }

  async clear(fn?: string): Promise<number> {
    this.command();
    let removed = 0;
    for (const node of this.nodes())
      removed += await this.scan(node, this.names.entries(fn), (page) => this.unlink(node, page));
    await this.bus.publish(fn === undefined ? {} : { fn });
    return removed;
  }

  async acquireLease(key: EntryKey, ms: number): Promise<boolean> {
    const { client } = this.command();
    const keys = [this.names.lease(key), this.names.entry(key)];
    const args = [this.instance, String(Math.max(1, Math.ceil(ms))), String(this.now())];
    return (await this.connection.bounded(run(client, acquireScript, keys, args), 'lease')) === 1;
  }

  async releaseLease(key: EntryKey): Promise<void> {
    const { client } = this.command(); // the value's SET goes out first: waiters woken next find it
    await this.connection.bounded(
      run(client, releaseScript, [this.names.lease(key)], [this.instance, this.names.wake(key)]),
      'lease release',
    );
  }

  changed(key: EntryKey, ms: number): Promise<void> {
    const lease = this.names.lease(key);
    return this.bus.wake(this.names.wake(key), ms, async () => {
      this.connection.check();
      return (await this.connection.bounded(this.connection.client.exists(lease), 'EXISTS')) === 0;
    });
  }

  subscribe(listener: InvalidationListener): void {
    this.bus.listen(listener);
  }

  async functions(): Promise<StoreFunctionInfo[]> {
    this.command();
    const found = new Map<string, { entries: number; bytes: number }>();
    for (const node of this.nodes()) {
      await this.scan(node, this.names.entries(), async (page) => {
        const pipeline = node.pipeline();
        for (const name of page) pipeline.strlen(name);
        const sizes = (await this.connection.bounded(pipeline.exec(), 'STRLEN')) ?? [];
        page.forEach((name, i) => {
          const fn = this.names.fnOf(name);
          if (fn === undefined) return;
          const info = found.get(fn) ?? { entries: 0, bytes: 0 };
          info.entries++;
          info.bytes += Number(sizes[i]?.[1] ?? 0);
          found.set(fn, info);
        });
        return 0;
      });
    }
    return [...found].map(([fn, info]) => ({ fn, ...info })).sort((a, b) => a.fn.localeCompare(b.fn));
  }

  async close(): Promise<void> {
    await this.batch.idle();
    await this.bus.close();
    await this.connection.close();
  }

  /** The connection, ready for a command outside the batch: pending batched commands go first. */
  private command(): Connection {
    this.connection.check();
    this.batch.flush();
    return this.connection;
  }

  /** The servers to SCAN: every master of a cluster, or the one server. */
  private nodes(): Redis[] {
    const { client } = this.connection;
    return client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  }

  /** Runs `each` on every page of names matching `pattern` on `node`; sums what it returns. */
  private async scan(node: Redis, pattern: string, each: (page: string[]) => Promise<number>): Promise<number> {
    let total = 0;
    let cursor = '0';
    do {
      const [next, page] = await this.connection.bounded(node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000), 'SCAN');
      cursor = next;
      if (page.length > 0) total += await each(page);
    } while (cursor !== '0');
    return total;
  }

  /** Removes `page` from `node` one key per command: on a cluster, one command may not span slots. */
  private async unlink(node: Redis, page: string[]): Promise<number> {
    const pipeline = node.pipeline();
    for (const name of page) pipeline.unlink(name);
    const results = (await this.connection.bounded(pipeline.exec(), 'UNLINK')) ?? [];
    let removed = 0;
    for (const [error, count] of results) {
      if (error) throw error;
      removed += Number(count);
    }
    return removed;
  }

  private warnOnce(topic: string, message: string, cause: unknown): void {
    if (this.warned.has(topic)) return;
    this.warned.add(topic);
    if (this.opts.logger !== undefined) this.opts.logger.warn(message, cause);
    else this.host.warn(message, cause);
  }
}
