/**
 * The public API, shared by the Node and browser entries: what applications call. Store authors
 * find the store contract in `@cachet/runtime/store`, tools the cache directory's admin API in
 * `@cachet/runtime/admin`, and generated code imports `@cachet/runtime/internal`.
 */

export type { CachedOptions } from './api.js';
export { cached, clear, close, configure, invalidate, peek, stats } from './api.js';
export type {
  CacheEvent,
  ConfigureOptions,
  Defaults,
  Duration,
  Logger,
  PolicyDecision,
  PolicyInfo,
  StoreSpec,
  TierSpec,
} from './config.js';
export { parseDuration } from './duration.js';
export {
  CachetCodecError,
  CachetConfigError,
  CachetError,
  CachetKeyError,
  CachetStoreError,
  isCachetError,
} from './errors.js';
export type { KeyEncoder } from './key/encoder.js';
export { reflectKey } from './key/reflect.js';
export { cacheKey } from './key/symbols.js';
export { xxh64, xxh64Hex } from './key/xxh64.js';
export { withThis } from './registry.js';
export { withCacheContext, withCacheOptions } from './scope/api.js';
export type { CallOptions } from './scope/scope.js';
export type { FunctionStats } from './stats.js';
export { createMemoryStore } from './stores/memory-store.js';
export type { TierCounters } from './tier.js';
