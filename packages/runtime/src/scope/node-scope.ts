import { AsyncLocalStorage } from 'node:async_hooks';
import type { Scope, ScopeStorage } from './scope.js';

/** Scopes that follow the async context on Node: everything `fn` awaits sees the scope. */
export function createNodeScopeStorage(): ScopeStorage {
  const storage = new AsyncLocalStorage<Scope>();
  return {
    get: () => storage.getStore(),
    run: (scope, fn) => storage.run(scope, fn),
  };
}
