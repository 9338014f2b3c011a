import { CachedFunction } from './cached-function.js';
import type { ConfigureOptions } from './config.js';
import { CachetConfigError } from './errors.js';
import type { KeyEncoder } from './key/encoder.js';
import { configureOptions } from './options/configure-options.js';
import { assertOptions, type OptionsCall } from './options/error.js';
import { functionOptions } from './options/function-options.js';
import type { OptionsOf } from './options/schema.js';
import { bind, lookup, lookupFunction } from './registry.js';
import { runtime } from './runtime.js';
import { type FunctionStats, sumStats } from './stats.js';

/**
 * Options of `cached()`: the tag's options (declared once in `options/function-options.ts`), plus
 * `key`, typed here by the function's arguments.
 */
export type CachedOptions<A extends unknown[] = unknown[]> = Omit<
  OptionsOf<typeof functionOptions, 'cached'>,
  'key'
> & {
  readonly key?: ((...args: A) => string) | KeyEncoder;
};

const cachedCall: Omit<OptionsCall, 'boundary'> = { schema: functionOptions, frontEnd: 'cached', what: 'cached()' };
const configureCall: Omit<OptionsCall, 'boundary'> = {
  schema: configureOptions,
  frontEnd: 'configure',
  what: 'configure()',
};

/**
 * Caches `fn` without the compiler: for plain JavaScript, tests and code that is not built with
 * Cachet. Sync functions stay sync; async functions share one run per key (the herd).
 *
 * @example
 * const getUser = cached(async (id: number) => db.users.find(id), { ttl: '10m', storage: 'sqlite' });
 */
export function cached<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: CachedOptions<A> = {},
): (...args: A) => R {
  if (typeof fn !== 'function') throw new CachetConfigError('cached() takes a function');
  assertOptions({ ...cachedCall, boundary: cached }, options);
  const id = options.id ?? fn.name;
  if (id === '') throw new CachetConfigError('cached() needs options.id for an anonymous function');
  const { key, ...plan } = options;
  const encoder: KeyEncoder | undefined =
    typeof key === 'function' ? { text: (args) => key.apply(undefined, args as A) } : key;
  const cf = new CachedFunction({ ...plan, id, ...(encoder === undefined ? {} : { encoder }) }, fn as never, runtime());
  const wrapper = function (this: unknown, ...args: A): R {
    return cf.invoke(this, args) as R;
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  bind(wrapper, () => cf);
  return wrapper;
}

/** Sets options for the whole process; later calls merge over earlier ones. */
export function configure(options: ConfigureOptions): void {
  assertOptions({ ...configureCall, boundary: configure }, options);
  runtime().configure(options);
}

/**
 * Drops the entry for `fn(...args)` from every tier. For an instance method keyed by `this`,
 * pass the method bound to its instance: `invalidate(withThis(repo, repo.find), 42)`.
 */
export function invalidate<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): Promise<void> {
  const { cf, self } = lookup(fn);
  return cf.invalidate(self, args);
}

/** Drops every entry of `fn`, or with no argument every entry of every function and store. */
export async function clear(fn?: (...args: never[]) => unknown): Promise<void> {
  if (fn !== undefined) return lookupFunction(fn).clear();
  const rt = runtime();
  rt.memory.clear();
  await Promise.all(rt.allTiers(true).map((tier) => tier.clear()));
}

/**
 * The cached value of `fn(...args)` in memory or a synchronous tier, without running `fn`. For
 * an instance method keyed by `this`: `peek(withThis(repo, repo.find), 42)`.
 */
export function peek<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Awaited<R> | undefined {
  const { cf, self } = lookup(fn);
  return cf.peek(self, args) as Awaited<R> | undefined;
}

/** All functions' counters and their totals (`stats()`), or one function's (`stats(fn)`). */
export function stats(): Omit<FunctionStats, 'fn'> & { readonly functions: FunctionStats[] };
export function stats(fn: (...args: never[]) => unknown): FunctionStats;
export function stats(
  fn?: (...args: never[]) => unknown,
): FunctionStats | (Omit<FunctionStats, 'fn'> & { functions: FunctionStats[] }) {
  if (fn !== undefined) {
    return lookupFunction(fn).stats();
  }
  const functions: FunctionStats[] = [];
  for (const cf of runtime().functions) if (cf instanceof CachedFunction) functions.push(cf.stats());
  return { ...sumStats(functions), functions };
}

/** Flushes pending writes and closes every store. Caching goes on afterwards, reopening them. */
export function close(): Promise<void> {
  return runtime().close();
}
