import { MemoryTier } from '../memory/memory-tier.js';
import { runtime } from '../runtime.js';
import type { CallOptions } from './scope.js';

/**
 * Runs `fn` with a private in-context cache in front of the other tiers (as NDB's in-context
 * cache): calls inside `fn`, and everything they await, share it; it is dropped when `fn` ends.
 * Typical use: one context per request.
 *
 * @example
 * app.use((req, res, next) => withCacheContext(next));
 */
export function withCacheContext<T>(fn: () => T, limits?: { maxEntries?: number; maxBytes?: number }): T {
  const rt = runtime();
  const outer = rt.scopes.get();
  const tier = new MemoryTier({
    maxEntries: limits?.maxEntries ?? 10_000,
    maxBytes: limits?.maxBytes ?? 64 * 1024 * 1024,
  });
  return rt.scopes.run({ context: { tier, tables: new Map() }, options: outer?.options }, fn);
}

/**
 * Runs `fn` with per-call options for every cached call inside it (and everything it awaits):
 * `{ read: false }` recomputes and refreshes, `{ write: false }` leaves the cache untouched,
 * `{ tiers: ['memory'] }` uses only the named tiers. Nested calls merge over outer ones.
 *
 * @example
 * const fresh = await withCacheOptions({ read: false }, () => loadUser(1));
 */
export function withCacheOptions<T>(options: CallOptions, fn: () => T): T {
  const rt = runtime();
  const outer = rt.scopes.get();
  return rt.scopes.run({ context: outer?.context, options: { ...outer?.options, ...options } }, fn);
}
