import type { MemoryTier, Table } from '../memory/memory-tier.js';

/** Per-call options, as `withCacheOptions` takes them. */
export interface CallOptions {
  /** Read cached entries (default true). `false` recomputes and, unless `write` is false, refreshes them. */
  readonly read?: boolean;
  /** Store results (default true). */
  readonly write?: boolean;
  /** Only these tiers by name (`context`, `memory`, `sqlite`, `fs`, or a registered store's name). */
  readonly tiers?: readonly string[];
}

/** An in-context cache (NDB's in-context cache): a private memory tier for one scope. */
export interface ContextCache {
  readonly tier: MemoryTier;
  readonly tables: Map<object, Table>;
}

/** What a scope carries: at most one context cache and the merged call options. */
export interface Scope {
  readonly context: ContextCache | undefined;
  readonly options: CallOptions | undefined;
}

/** Async-context storage: AsyncLocalStorage on Node, a synchronous stack in browsers. */
export interface ScopeStorage {
  get(): Scope | undefined;
  run<T>(scope: Scope, fn: () => T): T;
}
