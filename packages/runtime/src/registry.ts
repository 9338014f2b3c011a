import type { CachedFunction } from './cached-function.js';
import { CachetConfigError } from './errors.js';

/**
 * Maps the functions users hold (a compiled function, a `cached()` wrapper, a method bound with
 * `withThis`) to their CachedFunction, so `invalidate(loadUser, 1)` works before `loadUser` was
 * ever called: compiled code binds a getter that creates the CachedFunction on demand.
 */
interface Registered {
  readonly get: () => CachedFunction;
  /** The instance a bound method runs on (`withThis`). */
  readonly self?: unknown;
}

const registry = new WeakMap<object, Registered>();

/**
 * Store names compiled functions use that are not built in (`@cached storage=shared`), each with
 * the name of one function using it: `configure({ stores })` checks them, so a name the
 * application does not register is an error there, not at that function's first call.
 */
export const namedStores: Map<string, string> = new Map();

/**
 * Registers a compiled function (generated code calls this as its module loads). `storage`: the
 * function's store, when it is not built in.
 */
export function bind(fn: object, get: () => CachedFunction, storage?: string): void {
  registry.set(fn, { get });
  if (storage !== undefined && !namedStores.has(storage))
    namedStores.set(storage, (fn as { name?: string }).name || 'a cached function');
}

/** The CachedFunction behind `fn`, and the instance it is bound to, if any. */
export function lookup(fn: unknown): { readonly cf: CachedFunction; readonly self: unknown } {
  const found = typeof fn === 'function' ? registry.get(fn) : undefined;
  if (found === undefined) {
    throw new CachetConfigError('not a cached function: pass a function marked @cached or returned by cached()');
  }
  return { cf: found.get(), self: found.self };
}

export function lookupFunction(fn: unknown): CachedFunction {
  return lookup(fn).cf;
}

/**
 * A cached method bound to its instance: call it, or pass it to `invalidate`, `peek` and
 * `stats`, which then key by that instance (for methods whose key includes `this`).
 *
 * @example
 * await invalidate(withThis(repo, repo.find), 42);
 */
export function withThis<T, A extends unknown[], R>(
  instance: T,
  method: (this: T, ...args: A) => R,
): (...args: A) => R {
  const found = registry.get(method);
  if (found === undefined) throw new CachetConfigError('withThis: not a cached method');
  const bound = (...args: A): R => method.apply(instance, args);
  registry.set(bound, { get: found.get, self: instance });
  return bound;
}
