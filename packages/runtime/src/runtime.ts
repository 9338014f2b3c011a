import type { CacheEvent, ConfigureOptions, ResolvedConfig, StoreSpec } from './config.js';
import { resolveConfig, storeSettings } from './config.js';
import { CachetConfigError, isCachetError } from './errors.js';
import { MemoryTier } from './memory/memory-tier.js';
import { platform } from './platform.js';
import { namedStores } from './registry.js';
import type { ScopeStorage } from './scope/scope.js';
import type { FunctionStats } from './stats.js';
import { StatsReporter } from './stats-sink.js';
import type { Invalidation, Store } from './store.js';
import { Tier, type TierHost } from './tier.js';

/** The tiers one storage name resolves to: the process memory tier or not, then stores in order. */
export interface Storage {
  readonly memory: boolean;
  readonly tiers: readonly Tier[];
}

const NO_STORAGE: Storage = { memory: false, tiers: [] };

/** Anything the runtime keeps per cached function and can clear or report on. */
export interface RuntimeFunction {
  readonly id: string;
  clearMemory(): void;
  /** Drops one entry (by key text) or all entries from the memory tier. */
  dropMemory(text: string | undefined): void;
  stats(): FunctionStats;
  /** Settings changed (`configure()`, the first scope, `close()`): the next call re-resolves them. */
  leaveHotPath(): void;
}

/**
 * The process-wide cache state: configuration, the memory tier, opened stores and their guards,
 * and every cached function defined so far. One instance per runtime copy (see `runtime()`).
 */
export class Runtime implements TierHost {
  private cfg: ResolvedConfig;
  /** Bumped by `configure()`; cached functions re-resolve their options when it changes. */
  generation = 0;
  readonly memory: MemoryTier;
  /** True once any scope was entered: until then no call pays for an async-context lookup. */
  scopesActive = false;
  readonly functions: Set<RuntimeFunction> = new Set();
  private scopeStorage: ScopeStorage | undefined;
  private readonly tiers = new Map<Store, Tier>();
  private readonly opened = new Map<string, Store>();
  private readonly storages = new Map<string, Storage>();
  private readonly warned = new Set<string>();
  private readonly reporter = new StatsReporter();
  private reporting = false;

  constructor(options: ConfigureOptions = {}) {
    this.cfg = resolveConfig(options);
    this.memory = new MemoryTier(this.cfg.memory);
  }

  config(): ResolvedConfig {
    return this.cfg;
  }

  configure(options: ConfigureOptions): void {
    const before = this.cfg;
    const next = resolveConfig(options, before);
    if (options.stores !== undefined) checkNamedStores(next);
    this.cfg = next;
    this.memory.limits = this.cfg.memory;
    this.memory.evict();
    this.storages.clear();
    if (this.cfg.dir !== before.dir || options.sqlite !== undefined) this.reopenBuiltins();
    this.changed();
  }

  /** Built-in stores opened with an earlier `dir` or SQLite options are closed; the next use opens them anew. */
  private reopenBuiltins(): void {
    for (const [name, store] of this.opened) {
      this.opened.delete(name);
      this.tiers.delete(store);
      Promise.resolve()
        .then(() => store.close())
        .catch((error: unknown) => this.warn(`the ${name} store failed to close`, error));
    }
  }

  get scopes(): ScopeStorage {
    if (!this.scopesActive) {
      this.scopesActive = true;
      this.changed(); // functions leave their scope-free hot path
    }
    return (this.scopeStorage ??= platform().createScopeStorage());
  }

  /** A new generation of settings: every function leaves its hot path and re-resolves on its next call. */
  private changed(): void {
    this.generation++;
    for (const one of this.functions) one.leaveHotPath();
  }

  warn(message: string, cause?: unknown): void {
    this.cfg.logger.warn(message, cause);
  }

  /** Reports `message` the first time `topic` comes up in this process. */
  warnOnce(topic: string, message: string, cause?: unknown): void {
    if (this.warned.has(topic)) return;
    this.warned.add(topic);
    this.warn(message, cause);
  }

  /** True when someone listens to events: callers build event objects only then. */
  get listening(): boolean {
    return this.cfg.onEvent !== undefined;
  }

  event(event: CacheEvent): void {
    this.cfg.onEvent?.(event);
  }

  /** The tiers behind a storage name (`memory`, `sqlite`, `fs`, `tiered`, or a registered name). */
  storage(name: string): Storage {
    // Disabled: every call runs the function, so no store is opened (no file is created).
    if (this.cfg.disabled) return NO_STORAGE;
    let storage = this.storages.get(name);
    if (storage === undefined) {
      storage = this.resolveStorage(name, []);
      this.storages.set(name, storage);
    }
    return storage;
  }

  /** Every store opened so far, and the built-in ones (opened now), for `clear()` and `close()`. */
  allTiers(openBuiltins: boolean): Tier[] {
    if (openBuiltins && !this.cfg.disabled)
      for (const name of Object.keys(platform().builtinStores)) this.builtin(name);
    for (const spec of Object.values(this.cfg.stores))
      for (const item of [spec].flat()) if (typeof item !== 'string') this.tier(item);
    return [...this.tiers.values()];
  }

  /** Sends the counts since the last report to every store that keeps them. */
  async reportStats(): Promise<void> {
    const sinks = [...this.tiers.values()].filter((tier) => tier.store.recordStats !== undefined);
    if (sinks.length === 0) return;
    const samples = this.reporter.samples(this.functions, this.cfg.now());
    if (samples.length > 0) await Promise.all(sinks.map((tier) => tier.recordStats(samples)));
  }

  /** Reports every 10 s while the process runs, and once more when it exits. */
  private startReporting(): void {
    if (this.reporting) return;
    this.reporting = true;
    const timer = setInterval(() => void this.reportStats(), 10_000) as { unref?(): void };
    timer.unref?.();
    platform().onExit(() => void this.reportStats());
  }

  /** Flushes and closes every opened store; the next use opens them again. */
  async close(): Promise<void> {
    await this.reportStats();
    const stores = [...this.tiers.keys()];
    this.tiers.clear();
    this.opened.clear();
    this.storages.clear();
    this.changed();
    const results = await Promise.allSettled(stores.map(async (store) => store.close()));
    for (const result of results) if (result.status === 'rejected') this.warn('a store failed to close', result.reason);
  }

  /** The invalidation bus: another process invalidated entries; drop them from memory here. */
  private dropRemote({ fn, text }: Invalidation): void {
    if (fn === undefined) {
      this.memory.clear();
      return;
    }
    for (const one of this.functions) if (one.id === fn) one.dropMemory(text);
  }

  private resolveStorage(name: string, seen: string[]): Storage {
    if (seen.includes(name))
      throw new CachetConfigError(`storage "${name}" refers to itself (${[...seen, name].join(' -> ')})`);
    if (name === 'memory') return { memory: true, tiers: [] };
    if (name === 'tiered') return { memory: true, tiers: this.resolveStorage('sqlite', [...seen, name]).tiers };
    const spec: StoreSpec | undefined = this.cfg.stores[name];
    if (spec !== undefined) return this.resolveSpec(spec, [...seen, name]);
    const store = this.builtin(name);
    if (store !== undefined) return { memory: false, tiers: [this.tier(store)] };
    if (name in platform().builtinStores) return { memory: false, tiers: [] }; // failed to open; warned
    throw new CachetConfigError(
      `unknown storage "${name}": use memory, sqlite, fs, tiered, or register it with configure({ stores: { ${name}: ... } })`,
    );
  }

  private resolveSpec(spec: StoreSpec, seen: string[]): Storage {
    let memory = false;
    const tiers: Tier[] = [];
    for (const item of [spec].flat()) {
      if (typeof item === 'string') {
        const inner = this.resolveStorage(item, seen);
        memory ||= inner.memory;
        tiers.push(...inner.tiers);
      } else {
        tiers.push(this.tier(item));
      }
    }
    return { memory, tiers };
  }

  private builtin(name: string): Store | undefined {
    const open = this.opened.get(name);
    if (open !== undefined) return open;
    const factory = platform().builtinStores[name];
    if (factory === undefined) return undefined;
    try {
      const store = factory(storeSettings(this.cfg, (message, cause) => this.warn(message, cause)));
      this.opened.set(name, store);
      this.tier(store);
      return store;
    } catch (error) {
      // No SQLite binding at all is one fact for every built-in store: said once, with its fix.
      if (isCachetError(error, 'CACHET_E_NO_SQLITE')) this.warnOnce(error.code, error.message, error.cause);
      else this.warnOnce(`open:${name}`, `could not open the ${name} store; caching without it`, error);
      return undefined;
    }
  }

  private tier(store: Store): Tier {
    let tier = this.tiers.get(store);
    if (tier === undefined) {
      tier = new Tier(store, this);
      this.tiers.set(store, tier);
      try {
        store.attach?.({ now: () => this.cfg.now(), warn: (message, cause) => this.warn(message, cause) });
        store.subscribe?.((invalidation) => this.dropRemote(invalidation));
      } catch (error) {
        // Runs while a call resolves its storage: a store failing here must not fail that call.
        this.warnOnce(
          `attach:${store.name}`,
          `tier "${store.name}" failed to start listening; using it without`,
          error,
        );
      }
      if (store.recordStats !== undefined) this.startReporting();
    }
    return tier;
  }
}

let instance: Runtime | undefined;

/** The process-wide runtime, created on first use. */
export function runtime(): Runtime {
  return (instance ??= new Runtime());
}

/**
 * A `configure()` that registers stores: every store name a compiled function loaded so far uses
 * must be built in or among them (`CACHET_E_UNKNOWN_STORE`), so a typo fails at start-up, not at
 * that function's first call. Functions of modules loaded later are checked at their first call.
 */
function checkNamedStores(config: ResolvedConfig): void {
  const builtin = platform().builtinStores;
  for (const [name, fn] of namedStores) {
    if (name === 'memory' || name === 'tiered' || name in builtin || name in config.stores) continue;
    const known = ['memory', 'tiered', ...Object.keys(builtin), ...Object.keys(config.stores)];
    throw new CachetConfigError(
      `${fn} uses storage "${name}", which configure() does not register (stores: ${known.join(', ')}); register it with configure({ stores: { ${name}: ... } }) or fix the name`,
      { code: 'CACHET_E_UNKNOWN_STORE' },
    );
  }
}
