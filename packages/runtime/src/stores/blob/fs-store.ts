import type { StoreSettings } from '../../platform.js';
import type { SyncStore } from '../../store.js';
import type { SqliteStoreOptions } from '../sqlite/options.js';
import { builtinOptions, SqliteStore } from '../sqlite/sqlite-store.js';

/**
 * The blob-file store (`storage=fs`): every value in a file of its own under `dir/blobs/`,
 * its metadata (key text, times, codec, size) in a row of `dir/cache.db`. For values that are
 * large, or that other tools should be able to read or copy as files.
 */
export function createFsStore(options: Omit<SqliteStoreOptions, 'inlineLimit'>): SyncStore {
  return new SqliteStore({ name: 'fs', ...options, inlineLimit: 0 });
}

/** The built-in `fs` store, from the runtime's settings (`configure({ dir, sqlite })`). */
export function fsStoreFromSettings(settings: StoreSettings): SyncStore {
  return createFsStore(builtinOptions(settings));
}
