/** The Node platform: AsyncLocalStorage scopes, `.cachet/` under the working directory. */
import { join } from 'node:path';
import { setPlatform } from './platform.js';
import { createNodeScopeStorage } from './scope/node-scope.js';

setPlatform({
  name: 'node',
  defaultStorage: 'tiered',
  createScopeStorage: createNodeScopeStorage,
  builtinStores: {},
  defaultDir: () => join(process.cwd(), '.cachet'),
  env: (name) => process.env[name],
});
