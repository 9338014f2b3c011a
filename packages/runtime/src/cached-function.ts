export type { FunctionPlan } from './plan.js';

import { parseDuration } from './duration.js';
import { CachetConfigError, isCachetError } from './errors.js';
import { isFresh } from './expiry.js';
import { Herd } from './herd.js';
import { type PositionalEquals, type PositionalHash, type ResolvedEncoder, resolveEncoder } from './key/encoder.js';
import { entryKeyAfter, keyPrefix } from './key/entry-key.js';
import { reflectArgs } from './key/reflect.js';
import { isUncacheable } from './key/uncacheable.js';
import { type Equals, Table } from './memory/memory-tier.js';
import { approximateSize } from './memory/size.js';
import {
  type AnyFunction,
  type Call,
  type KeyedArgs,
  loadAsync,
  loadSync,
  type MissContext,
  NO_SNAPSHOT,
  readSync,
  refresh,
  remember,
  runSync,
  storeTimes,
} from './miss.js';
import type { FunctionPlan } from './plan.js';
import type { Runtime, RuntimeFunction } from './runtime.js';
import type { ContextCache, Scope } from './scope/scope.js';
import { Counters, type FunctionStats } from './stats.js';
import { type EntryKey, NOT_FOUND, type StoredEntry } from './store.js';
import type { Tier, TierCounters } from './tier.js';
import { Verifier } from './verify.js';

const AsyncFunction = (async () => undefined).constructor;

/**
 * One cached function: its key encoder, its memory table, its herd, its tiers. Compiled code
 * creates one on first call (`define`) and calls `invoke` with `this` and the arguments.
 */
export class CachedFunction implements RuntimeFunction {
  readonly id: string;
  readonly version: string;
  /** The start of every key text of this function (see `entryKey`). */
  private readonly keyPrefix: string;
  readonly counters: Counters = new Counters();
  private readonly herd = new Herd();
  /** What the miss path (miss.ts) needs of this function. */
  private readonly miss: MissContext;
  private readonly isAsync: boolean;
  private readonly encoder: ResolvedEncoder;
  private readonly ownTable: Table;
  /** The runtime generation this function's settings were resolved at. */
  private resolvedAt = -1;
  /**
   * The memory table while the hot path applies (see `resolve`): one field read decides it. The
   * runtime clears it when settings change (`leaveHotPath`), so the next call re-resolves.
   * Generated hit paths read it (see `missed`); only this class writes it.
   */
  hot: Table | undefined = undefined;
  /** Memory-tier hits taken on the hot path (folded into the counters when read); generated hit paths count theirs. */
  memoryHits = 0;
  /** The runtime's clock, for expiry on the hot path (generated hit paths read it). */
  now: () => number = Date.now;
  private readonly hash: ResolvedEncoder['hash'];
  private readonly equals: ResolvedEncoder['equals'];
  private disabled = false;
  private memory: Table | undefined;
  private tiers: readonly Tier[] = [];
  private verifier: Verifier | undefined;
  /** The encoder's positional members, for call1..call3 (compiled encoders only). */
  private readonly hashAt: PositionalHash | undefined;
  private readonly equalsAt: PositionalEquals | undefined;
  /** Keys never leave the process (memory-only storage): the reflective encoder keys functions by identity. */
  private localKeys = false;

  constructor(
    readonly plan: FunctionPlan,
    private readonly impl: AnyFunction,
    private readonly rt: Runtime,
  ) {
    if (typeof plan.id !== 'string' || plan.id === '') throw new CachetConfigError('a cached function needs an id');
    this.id = plan.id;
    this.version = plan.version ?? '0';
    this.keyPrefix = keyPrefix(this.id, this.version);
    this.isAsync = plan.async ?? impl instanceof AsyncFunction;
    this.encoder = resolveEncoder(plan.encoder ?? { text: (args) => reflectArgs(args, this.localKeys) });
    this.hash = this.encoder.hash;
    this.equals = this.encoder.equals;
    this.hashAt = plan.encoder?.hashAt;
    this.equalsAt = plan.encoder?.hashAt === undefined ? undefined : plan.encoder.equalsAt;
    this.ownTable = new Table(rt.memory, this.encoder.equals !== undefined);
    this.miss = {
      id: this.id,
      rt,
      impl,
      counters: this.counters,
      herd: this.herd,
      equals: afterRun(this.equals),
      codec: plan.codec,
      expiry: { ttl: Number.POSITIVE_INFINITY, swr: 0 },
    };
    rt.functions.add(this);
  }

  /** Runs the function through the cache: the entry point of every compiled call. */
  invoke(self: unknown, args: ArrayLike<unknown>): unknown {
    // The hot path: nothing changed since the last resolve, no scope, no verify, a memory tier.
    // A hit costs the generated hash, a map lookup, the generated equality and one flag write.
    const memory = this.hot;
    if (memory !== undefined) {
      let hash: unknown;
      let slot: number | undefined;
      try {
        hash = this.hash(args, self);
        slot = memory.find(hash, this.equals, args, self);
      } catch (error) {
        return this.uncached(error, self, args);
      }
      if (slot !== undefined) {
        // What a hit returns is read before the clock runs (the slot is only good until the tier changes).
        const hit = memory.hits[slot];
        if (memory.mortal === 0 || (memory.expiresAt[slot] as number) > this.now()) {
          memory.visited[slot] = 1;
          this.memoryHits++;
          return hit;
        }
      }
      return this.lookup(self, args, hash, undefined);
    }
    return this.invokeSlow(self, args);
  }

  /**
   * Fixed-arity entries for generated code: the same as `invoke`, with the arguments passed as
   * they are. With the encoder's positional members (`hashAt`, `equalsAt`), a hit builds no
   * argument array and keeps no state between calls, so a re-entrant call (an argument's getter
   * calling this same function) is just another call. The function receives exactly N arguments,
   * so compiled code uses these only for functions that never read `arguments`.
   */
  call1(self: unknown, a: unknown): unknown {
    return this.callFixed(self, 1, a, undefined, undefined);
  }

  call2(self: unknown, a: unknown, b: unknown): unknown {
    return this.callFixed(self, 2, a, b, undefined);
  }

  call3(self: unknown, a: unknown, b: unknown, c: unknown): unknown {
    return this.callFixed(self, 3, a, b, c);
  }

  private callFixed(self: unknown, arity: 1 | 2 | 3, a: unknown, b: unknown, c: unknown): unknown {
    const memory = this.hot;
    const hashAt = this.hashAt;
    if (memory === undefined || hashAt === undefined) return this.invoke(self, argsOf(arity, a, b, c));
    let hash: unknown;
    let slot: number | undefined;
    try {
      hash = hashAt(self, a, b, c);
      slot = memory.map.get(hash);
      const equalsAt = this.equalsAt;
      if (equalsAt !== undefined && slot !== undefined) slot = memory.findAt(slot, equalsAt, self, a, b, c);
    } catch (error) {
      return this.failed(error, self, arity, a, b, c);
    }
    if (slot !== undefined) {
      const hit = memory.hits[slot];
      if (memory.mortal === 0 || (memory.expiresAt[slot] as number) > this.now()) {
        memory.visited[slot] = 1;
        this.memoryHits++;
        return hit;
      }
    }
    return this.missed(self, arity, a, b, c, hash);
  }

  /**
   * A fixed-arity call the memory tier did not answer, here (`callFixed`) or in a hit path
   * generated into the function's own wrapper (the compiler's `hitPath`, which repeats
   * `callFixed`'s steps: a change to one goes to the other): the look-up past memory, with the
   * hash already computed (a second hash would run the arguments' getters again).
   */
  missed(self: unknown, arity: 1 | 2 | 3, a: unknown, b: unknown, c: unknown, hash: unknown): unknown {
    return this.lookup(self, argsOf(arity, a, b, c), hash, undefined);
  }

  /** A fixed-arity hit path's hash or equality threw `error`: see `uncached`. */
  failed(error: unknown, self: unknown, arity: 1 | 2 | 3, a: unknown, b: unknown, c: unknown): unknown {
    return this.uncached(error, self, argsOf(arity, a, b, c));
  }

  /**
   * A call whose arguments cannot be keyed (the encoder threw the `Uncacheable` signal): it runs
   * uncached (nothing stored, no herd), with a warning once per reason. Other errors propagate.
   */
  private uncached(error: unknown, self: unknown, args: ArrayLike<unknown>): unknown {
    if (!isUncacheable(error)) throw error;
    this.rt.warnOnce(`uncacheable:${error.reason}`, `${this.id} runs uncached: ${error.reason}`);
    this.counters.misses++;
    return this.impl.apply(self, args as unknown[]);
  }

  /** Calls after `configure()`, inside scopes, in verify mode, disabled, or without a memory tier. */
  private invokeSlow(self: unknown, args: ArrayLike<unknown>): unknown {
    const rt = this.rt;
    if (this.resolvedAt !== rt.generation) this.resolve();
    if (this.disabled) return this.impl.apply(self, args as unknown[]);
    if (this.verifier !== undefined) this.verify(self, args);
    const scope = rt.scopesActive ? rt.scopes.get() : undefined;
    let hash: unknown;
    try {
      hash = this.hash(args, self);
    } catch (error) {
      return this.uncached(error, self, args);
    }
    if (scope === undefined && this.memory === undefined && this.tiers.length > 0)
      return this.lookupStores(self, args, hash);
    return this.lookup(self, args, hash, scope);
  }

  /**
   * `lookup` for a function whose storage has no memory tier (`storage=sqlite`, `fs`, a store of
   * its own), outside scopes: every call reads the stores, so nothing is built that no table
   * keeps. A sync call takes no snapshot (see `NO_SNAPSHOT`).
   */
  private lookupStores(self: unknown, args: ArrayLike<unknown>, hash: unknown): unknown {
    const async = this.isAsync;
    let snapshot: unknown = NO_SNAPSHOT;
    let key: EntryKey;
    try {
      const herd = this.herd;
      const inFlight = herd.size === 0 ? undefined : herd.find(hash, this.encoder.equals, args, self);
      if (inFlight !== undefined) {
        this.counters.herdJoins++;
        if (this.rt.listening) this.rt.event({ type: 'herd-join', fn: this.id });
        return inFlight;
      }
      if (async) snapshot = this.encoder.snapshot(args, self);
      key = this.entryKey(args, self, hash);
    } catch (error) {
      return this.uncached(error, self, args);
    }
    // A sync hit builds no call: only a miss, which runs the function and stores, needs one.
    const found = async ? NOT_FOUND : readSync(this.miss, this.tiers, key, undefined);
    if (found !== NOT_FOUND) return found;
    const call: Call = {
      self,
      args,
      hash,
      snapshot,
      key,
      context: undefined,
      memory: undefined,
      tiers: this.tiers,
      read: true,
      write: true,
    };
    if (!async) return runSync(this.miss, call);
    const promise = loadAsync(this.miss, call);
    this.herd.add(hash, snapshot, promise);
    return promise;
  }

  /**
   * The cached value for these arguments from memory or a sync tier, without running anything;
   * undefined for arguments that cannot be keyed.
   */
  peek(self: unknown, args: ArrayLike<unknown>): unknown {
    try {
      return this.peekKeyed(self, args);
    } catch (error) {
      if (isUncacheable(error)) return undefined;
      throw error;
    }
  }

  private peekKeyed(self: unknown, args: ArrayLike<unknown>): unknown {
    if (this.resolvedAt !== this.rt.generation) this.resolve();
    const now = this.rt.config().now();
    const scope = this.rt.scopesActive ? this.rt.scopes.get() : undefined;
    const hash = this.keyFor(args, self, 'peek');
    for (const table of [scope?.context && this.contextTable(scope.context), this.memory]) {
      const slot = table?.find(hash, this.encoder.equals, args, self);
      if (table !== undefined && slot !== undefined && table.tier.isFresh(slot, now)) return table.tier.value(slot);
    }
    if (this.tiers.length === 0) return undefined;
    const key = this.entryKey(args, self, hash);
    for (const tier of this.tiers) {
      if (!tier.store.sync) continue;
      const entry = tier.get(key) as StoredEntry | undefined;
      if (entry !== undefined && isFresh(entry, now)) return entry.value;
    }
    return undefined;
  }

  /** Drops the entry for these arguments from every tier of this function (none, if they cannot be keyed). */
  async invalidate(self: unknown, args: ArrayLike<unknown>): Promise<void> {
    if (this.resolvedAt !== this.rt.generation) this.resolve();
    let key: EntryKey | undefined;
    try {
      const hash = this.keyFor(args, self, 'invalidate');
      const scope = this.rt.scopesActive ? this.rt.scopes.get() : undefined;
      for (const table of [scope?.context && this.contextTable(scope.context), this.memory]) {
        const slot = table?.find(hash, this.encoder.equals, args, self);
        if (slot !== undefined) table?.remove(slot);
      }
      if (this.tiers.length === 0) return;
      key = this.entryKey(args, self, hash);
    } catch (error) {
      if (isUncacheable(error)) return;
      throw error;
    }
    await Promise.all(this.tiers.map((tier) => tier.delete(key)));
  }

  /** Drops every entry of this function from every tier. */
  async clear(): Promise<void> {
    if (this.resolvedAt !== this.rt.generation) this.resolve();
    this.clearMemory();
    await Promise.all(this.tiers.map((tier) => tier.clear(this.id)));
  }

  /** The hash of these arguments, for `peek` and `invalidate`, with a useful error when it fails. */
  private keyFor(args: ArrayLike<unknown>, self: unknown, what: 'peek' | 'invalidate'): unknown {
    try {
      return this.encoder.hash(args, self);
    } catch (error) {
      if (isCachetError(error)) throw error;
      throw new CachetConfigError(
        `cannot compute the key of ${this.id} for ${what}; a method keyed by \`this\` needs its instance: ${what}(withThis(instance, method), ...args)`,
        { cause: error },
      );
    }
  }

  /** This function's counters. */
  stats(): FunctionStats {
    const stats = this.counters.snapshot(this.id);
    const memory = stats.tiers.memory as TierCounters;
    return {
      ...stats,
      hits: stats.hits + this.memoryHits,
      tiers: { ...stats.tiers, memory: { ...memory, hits: memory.hits + this.memoryHits } },
    };
  }

  clearMemory(): void {
    this.ownTable.clear();
  }

  /**
   * Drops what another process invalidated from this process's memory tier: the entry with key
   * text `text`, or every entry when `text` is undefined. Entries whose key text was never built
   * (memory-only functions) cannot have been shared, so they are not looked at.
   */
  dropMemory(text: string | undefined): void {
    if (text === undefined) {
      this.clearMemory();
      return;
    }
    this.ownTable.removeKeyText(text);
  }

  leaveHotPath(): void {
    this.hot = undefined;
  }

  /** Keys in flight right now (the herd); zero when idle. */
  get inFlight(): number {
    return this.herd.size;
  }

  /** Re-reads configuration and storage after `configure()` (and on first call). */
  private resolve(): void {
    const rt = this.rt;
    const config = rt.config();
    const plan = this.plan;
    this.miss.expiry.ttl = plan.ttl === undefined ? config.ttl : parseDuration(plan.ttl, `ttl of ${this.id}`);
    this.miss.expiry.swr = plan.swr === undefined ? config.swr : parseDuration(plan.swr, `swr of ${this.id}`);
    const storage = rt.storage(plan.storage ?? config.storage);
    this.memory = storage.memory ? this.ownTable : undefined;
    if (!storage.memory) this.ownTable.clear();
    this.tiers = storage.tiers;
    this.localKeys = storage.tiers.length === 0;
    this.disabled = config.disabled;
    this.verifier =
      (config.verify || plan.verify === true) && plan.encoder !== undefined
        ? (this.verifier ?? new Verifier())
        : undefined;
    this.now = config.now;
    this.resolvedAt = rt.generation;
    // Scopes, verify mode and `disabled` need the slow path; entering the first scope bumps the
    // runtime generation, so this is re-decided then.
    const hot = !this.disabled && this.verifier === undefined && !rt.scopesActive;
    this.hot = hot ? this.memory : undefined;
  }

  /**
   * Context, memory, then the herd, then a run. Every use of the encoder (equality, snapshot,
   * key text) happens before the function runs, inside one guard: arguments that cannot be
   * keyed make the call run uncached.
   */
  private lookup(self: unknown, args: ArrayLike<unknown>, hash: unknown, scope: Scope | undefined): unknown {
    const options = scope?.options;
    let call: Call;
    /** An expired entry still in its stale window, copied out of its slot. */
    let stale: { value: unknown; promise: Promise<unknown> | undefined; table: Table } | undefined;
    let inFlight: Promise<unknown> | undefined;
    try {
      const allowed = options?.tiers;
      const read = options?.read !== false;
      const context =
        scope?.context !== undefined && (allowed === undefined || allowed.includes('context'))
          ? this.contextTable(scope.context)
          : undefined;
      const memory = allowed === undefined || allowed.includes('memory') ? this.memory : undefined;
      const now = this.rt.config().now();
      if (read) {
        for (const table of [context, memory]) {
          if (table === undefined) continue;
          const slot = table.find(hash, this.encoder.equals, args, self);
          if (slot === undefined) continue;
          const tier = table.tier;
          if (tier.isFresh(slot, now))
            return this.memoryHit(slot, table, context, { self, args, hash, snapshot: table.snapshot(slot) });
          if (now < tier.staleUntil(slot)) stale ??= { value: tier.value(slot), promise: tier.promise(slot), table };
        }
      }
      inFlight = this.herd.find(hash, this.encoder.equals, args, self);
      if (stale !== undefined && this.isAsync) {
        this.counters.staleHits++;
        if (this.rt.listening)
          this.rt.event({ type: 'stale', fn: this.id, tier: stale.table === context ? 'context' : 'memory' });
        if (inFlight !== undefined) return stale.promise ?? Promise.resolve(stale.value);
      } else if (inFlight !== undefined && read) {
        this.counters.herdJoins++;
        if (this.rt.listening) this.rt.event({ type: 'herd-join', fn: this.id });
        if (context !== undefined && options?.write !== false) this.fillOnLanding(context, inFlight, self, args, hash);
        return inFlight;
      }
      call = this.newCall(self, args, hash, context, memory, options);
    } catch (error) {
      return this.uncached(error, self, args);
    }
    if (stale !== undefined && this.isAsync) {
      refresh(this.miss, call, stale.value);
      return stale.promise ?? Promise.resolve(stale.value);
    }
    if (!this.isAsync) return loadSync(this.miss, call);
    const promise = loadAsync(this.miss, call);
    this.herd.add(hash, call.snapshot, promise);
    return promise;
  }

  /** A call in a context that joined another scope's run keeps the result in its own context too. */
  private fillOnLanding(
    context: Table,
    inFlight: Promise<unknown>,
    self: unknown,
    args: ArrayLike<unknown>,
    hash: unknown,
  ): void {
    const keyed: KeyedArgs = { self, args, hash, snapshot: this.encoder.snapshot(args, self) };
    inFlight.then(
      (value) => {
        const config = this.rt.config();
        const size = config.policy === undefined ? 0 : approximateSize(value);
        const times = storeTimes(this.miss, 'context', size, config.now());
        if (times !== undefined) remember(this.miss, context, keyed, value, times, true);
      },
      () => undefined, // the joiner sees the rejection through the promise it was given
    );
  }

  private newCall(
    self: unknown,
    args: ArrayLike<unknown>,
    hash: unknown,
    context: Table | undefined,
    memory: Table | undefined,
    options: Scope['options'],
  ): Call {
    const allowed = options?.tiers;
    const tiers = allowed === undefined ? this.tiers : this.tiers.filter((tier) => allowed.includes(tier.name));
    return {
      self,
      args,
      hash,
      snapshot: this.encoder.snapshot(args, self),
      key: tiers.length > 0 ? this.entryKey(args, self, hash) : undefined,
      context,
      memory,
      tiers,
      read: options?.read !== false,
      write: options?.write !== false,
    };
  }

  private memoryHit(slot: number, table: Table, context: Table | undefined, call: KeyedArgs): unknown {
    const tier = table.tier;
    tier.touch(slot);
    const hit = tier.hit(slot);
    this.counters.hits++;
    this.counters.tier(table === context ? 'context' : 'memory').hits++;
    // Copy the memory entry into the context; `remember` runs the equality check, so the slot is read first.
    if (table !== context && context !== undefined)
      remember(this.miss, context, call, tier.value(slot), tier.times(slot), tier.promise(slot) !== undefined);
    return hit;
  }

  private entryKey(args: ArrayLike<unknown>, self: unknown, hash: unknown): EntryKey {
    // The reflective encoder's hash is the key text itself.
    const argsText = this.encoder.hashIsText ? String(hash) : this.encoder.text(args, self);
    return entryKeyAfter(this.keyPrefix, this.id, this.version, argsText);
  }

  private contextTable(context: ContextCache): Table {
    let table = context.tables.get(this);
    if (table === undefined) {
      table = new Table(context.tier, this.encoder.equals !== undefined);
      context.tables.set(this, table);
    }
    return table;
  }

  private verify(self: unknown, args: ArrayLike<unknown>): void {
    let message: string | undefined;
    try {
      const reflected = this.plan.encoder?.reflect?.(args, self) ?? reflectArgs(args, this.localKeys);
      message = this.verifier?.check(this.encoder.text(args, self), reflected);
    } catch {
      return; // an argument the reflective encoder refuses (a callback left out with ignore=)
    }
    if (message === undefined) return;
    this.rt.warnOnce(`verify:${this.id}`, `verify: ${this.id}: ${message}`);
    if (this.rt.listening) this.rt.event({ type: 'verify-mismatch', fn: this.id, message });
  }
}

/** The argument array of a fixed-arity call, for the paths that need one. */
function argsOf(arity: 1 | 2 | 3, a: unknown, b: unknown, c: unknown): unknown[] {
  return arity === 1 ? [a] : arity === 2 ? [a, b] : [a, b, c];
}

/**
 * The equality the miss path uses once the function has run (to replace an older entry): an
 * argument mutated meanwhile into something the encoder cannot key compares as different, so
 * storing never fails a call whose value is already computed.
 */
function afterRun(equals: Equals | undefined): Equals | undefined {
  if (equals === undefined) return undefined;
  return (snapshot, args, self) => {
    try {
      return equals(snapshot, args, self);
    } catch (error) {
      if (isUncacheable(error)) return false;
      throw error;
    }
  };
}
