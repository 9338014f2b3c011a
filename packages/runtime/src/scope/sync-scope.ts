import type { Scope, ScopeStorage } from './scope.js';

/**
 * Scopes for platforms without AsyncLocalStorage (browsers): the scope holds while `fn` runs
 * synchronously, and until the promise it returns settles for calls made in that time.
 * Calls after an `await` inside `fn` may run outside the scope; documented.
 */
export function createSyncScopeStorage(): ScopeStorage {
  let current: Scope | undefined;
  return {
    get: () => current,
    run(scope, fn) {
      const outer = current;
      current = scope;
      try {
        return fn();
      } finally {
        current = outer;
      }
    },
  };
}
