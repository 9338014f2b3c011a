import './node.js';

export { decodeValue, type Encoded, encodedBytes, encodedSize, encodeValue } from './codec/codecs.js';
export * from './public-core.js';
export { createFsStore } from './stores/blob/fs-store.js';
export type { SqliteStoreOptions } from './stores/sqlite/options.js';
export { createSqliteStore } from './stores/sqlite/sqlite-store.js';
