/** The Node platform: AsyncLocalStorage scopes, `.cachet/` under the working directory. */
import { join } from 'node:path';
import { setPlatform } from './platform.js';
import { createNodeScopeStorage } from './scope/node-scope.js';
import { fsStoreFromSettings } from './stores/blob/fs-store.js';
import { sqliteStoreFromSettings } from './stores/sqlite/sqlite-store.js';

setPlatform({
  name: 'node',
  defaultStorage: 'tiered',
  createScopeStorage: createNodeScopeStorage,
  builtinStores: { sqlite: sqliteStoreFromSettings, fs: fsStoreFromSettings },
  defaultDir: () => join(process.cwd(), '.cachet'),
  env: (name) => process.env[name],
  onExit: (fn) => process.once('exit', fn),
});
