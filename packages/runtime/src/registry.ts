import type { CachedFunction } from './cached-function.js';
import { CachetConfigError } from './errors.js';

/**
 * Maps the functions users hold (a compiled function, a `cached()` wrapper) to their
 * CachedFunction, so `invalidate(loadUser, 1)` works before `loadUser` was ever called: compiled
 * code binds a getter that creates the CachedFunction on demand.
 */
const registry = new WeakMap<object, () => CachedFunction>();

export function bind(fn: object, get: () => CachedFunction): void {
  registry.set(fn, get);
}

export function lookupFunction(fn: unknown): CachedFunction {
  const get = typeof fn === 'function' ? registry.get(fn) : undefined;
  if (get === undefined) {
    throw new CachetConfigError('not a cached function: pass a function marked @cached or returned by cached()');
  }
  return get();
}
