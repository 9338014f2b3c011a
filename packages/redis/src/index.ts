/**
 * `@cachet/redis`: Cachet's shared tier for many machines. `redisStore()` is a store for
 * `configure({ stores })`, on Redis, Valkey or Redis Cluster through ioredis.
 */
export type { RedisClient, RedisStoreOptions } from './options.js';
export { redisStore } from './redis-store.js';
