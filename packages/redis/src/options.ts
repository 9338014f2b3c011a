import type { Logger } from '@cachet/runtime';
import { CachetConfigError } from '@cachet/runtime';
import { type Cluster, Redis } from 'ioredis';

/** An ioredis client: a single server (`Redis`, also Valkey) or a cluster (`Cluster`). */
export type RedisClient = Redis | Cluster;

/** Options of `redisStore`: the server (or a client of your own), key prefix, name, timeout, clock and logger. */
export interface RedisStoreOptions {
  /**
   * Where Redis (or Valkey) listens, as a `redis://` or `rediss://` URL. Ignored when `client` is
   * given.
   * @default 'redis://127.0.0.1:6379'
   */
  readonly url?: string;
  /**
   * An ioredis client of your own: a `Redis`, or a `Cluster` for Redis Cluster. The store
   * duplicates it once for its pub/sub connection and never closes it. Give it a small
   * `maxRetriesPerRequest` and a `commandTimeout`, or a dead server keeps commands queued (the
   * store's own `timeout` still bounds every wait).
   */
  readonly client?: RedisClient;
  /**
   * Put before every key and channel name, so several apps (or test runs) can share a server.
   * @default 'cachet:'
   */
  readonly prefix?: string;
  /** The tier's name in logs, stats and `withCacheOptions({ tiers })`. @default 'redis' */
  readonly name?: string;
  /**
   * The longest any call waits on Redis, in milliseconds; past it the command counts as failed
   * and the runtime skips the tier for its back-off period.
   * @default 500
   */
  readonly timeout?: number;
  /**
   * The clock entry times are measured on (the lease script compares it with an entry's expiry).
   * @default the runtime's clock (`configure({ now })`) once registered, else Date.now
   */
  readonly now?: () => number;
  /**
   * Where the store reports entries it had to drop (they did not decode).
   * @default the runtime's logger (`configure({ logger })`) once registered, else console.warn
   */
  readonly logger?: Logger;
}

export interface ResolvedRedisOptions {
  readonly client: RedisClient;
  /** True when the store made the client and so closes it. */
  readonly ownsClient: boolean;
  readonly prefix: string;
  readonly name: string;
  readonly timeout: number;
  /** Given explicitly; otherwise the runtime's (see `attach`). */
  readonly now: (() => number) | undefined;
  readonly logger: Logger | undefined;
}

export const consoleLogger: Logger = {
  warn: (message, cause) => console.warn(`[cachet] ${message}`, ...(cause === undefined ? [] : [cause])),
};

export function resolveOptions(options: RedisStoreOptions): ResolvedRedisOptions {
  const timeout = options.timeout ?? 500;
  if (!(timeout > 0) || !Number.isFinite(timeout))
    throw new CachetConfigError(`redisStore: timeout must be a positive number of milliseconds, got ${timeout}`);
  const prefix = options.prefix ?? 'cachet:';
  if (typeof prefix !== 'string') throw new CachetConfigError('redisStore: prefix must be a string');
  const client = options.client ?? createClient(options.url ?? 'redis://127.0.0.1:6379', timeout);
  return {
    client,
    ownsClient: options.client === undefined,
    prefix,
    name: options.name ?? 'redis',
    timeout,
    now: options.now,
    logger: options.logger,
  };
}

/**
 * A client that fails fast: commands wait at most `timeout`, a lost connection rejects queued
 * commands after one retry, and it reconnects in the background with a capped back-off.
 */
function createClient(url: string, timeout: number): Redis {
  return new Redis(url, {
    connectTimeout: Math.max(timeout, 1000),
    commandTimeout: timeout,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(25 * 2 ** attempt, 1000),
  });
}
