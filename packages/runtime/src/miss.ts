/**
 * The miss path: what happens below the memory tier when a call's key is not there — the stores
 * are read in order, the cross-process lease is taken or waited for, the function runs, and its
 * value is saved to every tier the policy allows. `CachedFunction` decides when a call misses;
 * these functions carry the miss through.
 */
import { confirmCodec } from './codec/pick.js';
import { isFresh, type Times, timesFor } from './expiry.js';
import type { Herd } from './herd.js';
import { awaitLease } from './lease.js';
import type { Equals, Table } from './memory/memory-tier.js';
import { approximateSize } from './memory/size.js';
import type { Runtime } from './runtime.js';
import type { Counters } from './stats.js';
import type { CodecName, EntryKey, StoredEntry } from './store.js';
import { isThenable, NOT_FOUND } from './store.js';
import type { Tier } from './tier.js';

// biome-ignore lint/suspicious/noExplicitAny: the wrapped function's own signature is opaque here
export type AnyFunction = (this: unknown, ...args: any[]) => unknown;

/** What the miss path needs of its cached function. */
export interface MissContext {
  readonly id: string;
  readonly rt: Runtime;
  readonly impl: AnyFunction;
  readonly counters: Counters;
  readonly herd: Herd;
  /** The encoder's equality check (undefined when the hash is the key text itself). */
  readonly equals: Equals | undefined;
  /** The codec chosen at build time, if any. */
  readonly codec: 'json' | 'v8' | undefined;
  /** ttl and swr in ms, updated by the function on every `configure()`. */
  readonly expiry: { ttl: number; swr: number };
}

/**
 * The snapshot of a sync call that no memory table keeps: only a sync-declared function that
 * returns a promise would need one (to let equal calls join it), and it then runs without a herd.
 */
export const NO_SNAPSHOT: unique symbol = Symbol('no snapshot');

/** A call's arguments with their hash and snapshot: what a memory table needs. */
export interface KeyedArgs {
  readonly self: unknown;
  readonly args: ArrayLike<unknown>;
  readonly hash: unknown;
  readonly snapshot: unknown;
  /** The entry's address, when the call built one (it has persistent tiers). */
  readonly key?: EntryKey | undefined;
}

/** Everything one memory miss carries through the tiers. */
export interface Call extends KeyedArgs {
  /** Set on a background refresh under stale-while-revalidate: the value being served meanwhile. */
  readonly stale?: { readonly value: unknown };
  readonly key: EntryKey | undefined;
  readonly context: Table | undefined;
  readonly memory: Table | undefined;
  readonly tiers: readonly Tier[];
  readonly read: boolean;
  readonly write: boolean;
}

/** A miss of a sync function: only sync stores are read; a returned promise turns it async. */
export function loadSync(fn: MissContext, call: Call): unknown {
  if (call.read && call.key !== undefined) {
    const found = readSync(fn, call.tiers, call.key, call);
    if (found !== NOT_FOUND) return found;
  }
  return runSync(fn, call);
}

/**
 * The fresh value for `key` in the first sync tier that holds one: a hit there (a miss counted in
 * each tier read before it), filling the tiers above it and `call`'s memory tables, if a call is
 * given. A stores-only function's hit passes none, so it builds no call (see `lookupStores`).
 */
export function readSync(fn: MissContext, tiers: readonly Tier[], key: EntryKey, call: Call | undefined): unknown {
  const now = fn.rt.config().now();
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i] as Tier;
    if (!tier.store.sync) continue;
    if (i === 0 && call === undefined && tier.store.getFresh !== undefined) {
      // Nothing to fill (no tier above, no memory table): the store's value-only read will do.
      const value = tier.getFresh(key, now);
      if (value !== NOT_FOUND) {
        countHit(fn, tier);
        return value;
      }
    } else {
      const entry = tier.get(key) as StoredEntry | undefined;
      if (entry !== undefined && isFresh(entry, now)) return tierHit(fn, tiers, key, call, i, entry, false);
    }
    fn.counters.tier(tier.name).misses++;
  }
  return NOT_FOUND;
}

/** A sync call no tier answered: runs the function and stores what it returns. */
export function runSync(fn: MissContext, call: Call): unknown {
  countMiss(fn, call);
  let value: unknown;
  try {
    value = fn.impl.apply(call.self, call.args as unknown[]);
  } catch (error) {
    failed(fn, error);
    throw error;
  }
  if (isThenable(value)) return adopt(fn, call, value);
  save(fn, call, value, false);
  return value;
}

/** A miss of an async function: every store is read, and the cross-process lease is honoured. */
export async function loadAsync(fn: MissContext, call: Call): Promise<unknown> {
  const key = call.key;
  let stale: StoredEntry | undefined;
  if (call.read && key !== undefined) {
    const now = fn.rt.config().now();
    for (let i = 0; i < call.tiers.length; i++) {
      const tier = call.tiers[i] as Tier;
      const entry = await tier.get(key);
      if (entry !== undefined && isFresh(entry, now)) return tierHit(fn, call.tiers, key, call, i, entry, true);
      if (entry !== undefined && now < entry.staleUntil) stale ??= entry;
      fn.counters.tier(tier.name).misses++;
    }
    if (stale !== undefined) {
      fn.counters.staleHits++;
      refresh(fn, call, stale.value);
      return stale.value;
    }
  }
  const lease =
    key !== undefined && (call.read || call.stale !== undefined)
      ? call.tiers.find((tier) => tier.store.acquireLease !== undefined)
      : undefined;
  if (lease !== undefined && key !== undefined) {
    const leaseMs = fn.rt.config().lease;
    if (call.stale !== undefined) {
      countMiss(fn, call);
      // A refresh: when another process holds the lease it is refreshing already; serve stale.
      if (!(await lease.acquireLease(key, leaseMs))) return call.stale.value;
    } else {
      const settled = await awaitLease(lease, key, leaseMs, (entry) => isFresh(entry, fn.rt.config().now()));
      if (settled !== undefined) {
        // Served by another process's run: a herd join, not a miss (this process ran nothing).
        fn.counters.herdJoins++;
        if (fn.rt.listening) fn.rt.event({ type: 'herd-join', fn: fn.id });
        fill(fn, call.tiers, key, call, call.tiers.indexOf(lease), settled, true);
        return settled.value;
      }
      countMiss(fn, call);
    }
  } else countMiss(fn, call);
  try {
    const value = await fn.impl.apply(call.self, call.args as unknown[]);
    save(fn, call, value, true);
    return value;
  } catch (error) {
    failed(fn, error);
    throw error;
  } finally {
    if (lease !== undefined && key !== undefined) await lease.releaseLease(key);
  }
}

/** Recomputes in the background, once per key across processes where a tier leases. */
export function refresh(fn: MissContext, call: Call, staleValue: unknown): void {
  fn.counters.refreshes++;
  const promise = loadAsync(fn, { ...call, read: false, stale: { value: staleValue } });
  fn.herd.add(call.hash, call.snapshot, promise);
  promise.catch((error: unknown) => {
    fn.counters.refreshErrors++;
    fn.rt.warnOnce(`refresh:${fn.id}`, `background refresh of ${fn.id} failed; serving the stale value`, error);
    if (fn.rt.listening) fn.rt.event({ type: 'refresh-error', fn: fn.id, error });
  });
}

/** Puts a value in a memory table, replacing the node for equal arguments. */
export function remember(
  fn: MissContext,
  table: Table,
  call: KeyedArgs,
  value: unknown,
  times: Pick<Times, 'expiresAt' | 'staleUntil'>,
  async: boolean,
): void {
  // If the caller mutated its arguments meanwhile, the old node is not found; the new one goes
  // to the head of its chain, so it is found first, and the old one ages out.
  const existing = table.find(call.hash, fn.equals, call.args, call.self);
  if (existing !== undefined) table.remove(existing);
  table.insert({
    hash: call.hash,
    snapshot: call.snapshot,
    value,
    promise: async ? Promise.resolve(value) : undefined,
    expiresAt: times.expiresAt,
    staleUntil: times.staleUntil,
    keyText: call.key?.text,
  });
}

/** When a value stored now in `tier` expires, or undefined when the policy keeps it out. */
export function storeTimes(fn: MissContext, tier: string, size: number, createdAt: number): Times | undefined {
  const { policy } = fn.rt.config();
  const { ttl, swr } = fn.expiry;
  return timesFor({ policy, info: { fn: fn.id, tier, size }, createdAt, ttl, swr });
}

/** A sync-declared function returned a promise: treat the call as async from here on. */
function adopt(fn: MissContext, call: Call, value: PromiseLike<unknown>): Promise<unknown> {
  const promise = Promise.resolve(value).then(
    (settled) => {
      save(fn, call, settled, true);
      return settled;
    },
    (error: unknown) => {
      failed(fn, error);
      throw error;
    },
  );
  // Without a snapshot (see `NO_SNAPSHOT`) other calls cannot be matched to this one: no herd.
  if (call.snapshot !== NO_SNAPSHOT) fn.herd.add(call.hash, call.snapshot, promise);
  return promise;
}

function tierHit(
  fn: MissContext,
  tiers: readonly Tier[],
  key: EntryKey,
  call: Call | undefined,
  index: number,
  entry: StoredEntry,
  async: boolean,
): unknown {
  countHit(fn, tiers[index] as Tier);
  fill(fn, tiers, key, call, index, entry, async);
  return entry.value;
}

function countHit(fn: MissContext, tier: Tier): void {
  fn.counters.hits++;
  fn.counters.tier(tier.name).hits++;
  if (fn.rt.listening) fn.rt.event({ type: 'hit', fn: fn.id, tier: tier.name });
}

/** A hit in tier `index` fills the tiers above it, and the memory tables of `call`. */
function fill(
  fn: MissContext,
  tiers: readonly Tier[],
  key: EntryKey,
  call: Call | undefined,
  index: number,
  entry: StoredEntry,
  async: boolean,
): void {
  if (call?.context !== undefined) remember(fn, call.context, call, entry.value, entry, async);
  if (call?.memory !== undefined) remember(fn, call.memory, call, entry.value, entry, async);
  for (let i = 0; i < index; i++) write(fn, tiers[i] as Tier, key, entry);
}

function save(fn: MissContext, call: Call, value: unknown, async: boolean): void {
  if (!call.write) return;
  const config = fn.rt.config();
  const createdAt = config.now();
  const size = config.policy === undefined ? 0 : approximateSize(value);
  for (const table of [call.context, call.memory]) {
    if (table === undefined) continue;
    const name = table === call.context ? 'context' : 'memory';
    const times = storeTimes(fn, name, size, createdAt);
    if (times === undefined) continue;
    fn.counters.tier(name).writes++;
    remember(fn, table, call, value, times, async);
  }
  if (call.key === undefined || call.tiers.length === 0) return;
  const codec: CodecName | undefined = confirmCodec(fn.codec, value);
  if (codec === undefined) {
    fn.rt.warnOnce(
      `unstorable:${fn.id}`,
      `${fn.id} returned ${describeUnstorable(value)}, which a persistent tier would not give back as it was; that value stays in memory only`,
    );
    return;
  }
  for (const tier of call.tiers) {
    const times = storeTimes(fn, tier.name, size, createdAt);
    if (times !== undefined) write(fn, tier, call.key, { value, codec, ...times });
  }
}

/** Values `pickCodec` walks into: refused, they hold what it refused. */
const CONTAINERS: readonly object[] = [Object.prototype, Array.prototype, Map.prototype, Set.prototype];

/** What `pickCodec` refused, for the warning: the value's type or class. */
function describeUnstorable(value: unknown): string {
  if (typeof value !== 'object' || value === null) return `a ${typeof value}`;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  if (proto === null) return 'an object without a prototype';
  if (CONTAINERS.includes(proto))
    return 'a value holding a class instance, a function or an object without a prototype';
  const name = proto.constructor?.name;
  return `an instance of ${typeof name === 'string' && name !== '' ? name : 'a class'}`;
}

function write(fn: MissContext, tier: Tier, key: EntryKey, entry: StoredEntry): void {
  fn.counters.tier(tier.name).writes++;
  void tier.set(key, entry); // guarded: faults are reported by the tier, never thrown here
}

function countMiss(fn: MissContext, call: Call): void {
  fn.counters.misses++;
  if (call.read && call.memory !== undefined) fn.counters.memory.misses++;
  if (fn.rt.listening) fn.rt.event({ type: 'miss', fn: fn.id });
}

function failed(fn: MissContext, error: unknown): void {
  fn.counters.errors++;
  if (fn.rt.listening) fn.rt.event({ type: 'error', fn: fn.id, error });
}
