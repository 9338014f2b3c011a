/**
 * `@cachet/runtime/admin`: what tools that read and tidy a cache directory from outside a running
 * program need (the `cachet` CLI and its dashboard): the SQLite and blob-file stores opened
 * directly, with their inspection, pruning and counter queries. Applications do not need it.
 *
 * @example
 * import { createSqliteStore } from '@cachet/runtime/admin';
 *
 * const store = createSqliteStore({ dir: '.cachet' });
 * for (const fn of store.summary()) console.log(fn.fn, fn.entries);
 * store.close();
 */
import './node.js';

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
