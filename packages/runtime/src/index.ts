import './node.js';

export { decodeValue, type Encoded, encodedBytes, encodedSize, encodeValue } from './codec/codecs.js';
export * from './public-core.js';
export { createFsStore } from './stores/blob/fs-store.js';
export type {
  EntryInfo,
  EntryQuery,
  FunctionSummary,
  OnProgress,
  Progress,
  PruneQuery,
} from './stores/sqlite/inspect.js';
export type { SqliteStoreOptions } from './stores/sqlite/options.js';
export { createSqliteStore, type SqliteStore } from './stores/sqlite/sqlite-store.js';
export type { StatsPoint, StatsTotal } from './stores/sqlite/stats-table.js';
