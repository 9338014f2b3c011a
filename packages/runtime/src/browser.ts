/** The browser platform: memory only, synchronous scopes, no node: imports. */
import { setPlatform } from './platform.js';
import { createSyncScopeStorage } from './scope/sync-scope.js';

setPlatform({
  name: 'browser',
  defaultStorage: 'memory',
  createScopeStorage: createSyncScopeStorage,
  builtinStores: {},
  defaultDir: () => '.cachet',
  env: () => undefined,
  onExit: () => undefined,
});
