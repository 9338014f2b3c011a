/**
 * What mutation testing left untested in the tier guard (`Tier`): a success of one operation alone
 * (a read that hits, with no write after it; a write alone; the same answered by a promise) ending
 * the back-off and the report, the fallback and the report of each guarded operation, the event a
 * fault sends, a store without leases, change notices or counters (no fault, and no success that
 * ends an outage), and a fault of an operation started before the tier went down, which must not
 * lengthen the skip. The guard is driven directly, with a store that fails on demand and a clock
 * moved by hand, so each skip is checked to the millisecond.
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../src/config.js';
import type { EntryKey, StatsSample, Store, StoredEntry } from '../src/store.js';
import { Tier } from '../src/tier.js';
import { entry, entryKey } from './store-suite.js';

const BACKOFF = 30_000;

interface Flaky extends Store {
  /** Calls that reached the store. */
  calls: number;
  healthy: boolean;
  data: Map<string, StoredEntry>;
}

/** A store (sync, or answering with promises) that throws or rejects while not `healthy`. */
function flakyStore(async: boolean): Flaky {
  const data = new Map<string, StoredEntry>();
  const answer = <T>(run: () => T): T | Promise<T> => {
    store.calls++;
    if (!async) {
      if (!store.healthy) throw new Error('down');
      return run();
    }
    return store.healthy ? Promise.resolve(run()) : Promise.reject(new Error('down'));
  };
  const store: Flaky = {
    name: async ? 'remote' : 'local',
    sync: !async,
    persistent: false,
    calls: 0,
    healthy: false,
    data,
    get: (key: EntryKey) => answer(() => data.get(key.text)),
    set: (key: EntryKey, value: StoredEntry) => answer(() => void data.set(key.text, value)),
    delete: (key: EntryKey) => answer(() => data.delete(key.text)),
    clear: () => answer(() => data.size),
    acquireLease: () => answer(() => false),
    releaseLease: () => answer(() => undefined),
    // Typed as a promise; the sync flavour answers undefined, which the guard takes as it is.
    changed: () => answer(() => undefined) as Promise<void>,
    recordStats: (_samples: readonly StatsSample[]) => answer(() => undefined),
    close: () => undefined,
  };
  return store;
}

/** A tier over `store`, with a clock, the warnings and the events it sent. */
function guarded(store: Store, backoff = BACKOFF) {
  let time = 1_000_000;
  const warnings: { message: string; cause: unknown }[] = [];
  const events: unknown[] = [];
  const config = { now: () => time, backoff } as unknown as ResolvedConfig;
  const tier = new Tier(store, {
    config: () => config,
    warn: (message, cause) => warnings.push({ message, cause }),
    event: (event) => events.push(event),
  });
  return {
    tier,
    warnings,
    events,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

const key = entryKey('tier', 'a');

describe('a success of one operation alone', () => {
  it.each([false, true])('a read that hits ends the back-off and the report (async %s)', async (async) => {
    const store = flakyStore(async);
    const { tier, warnings, advance } = guarded(store);
    expect(await tier.get(key)).toBeUndefined(); // fault 1: skipped for 1 s
    advance(1000);
    store.healthy = true;
    store.data.set(key.text, entry('kept'));
    expect(await tier.get(key)).toMatchObject({ value: 'kept' }); // a hit: nothing written after it
    store.healthy = false;
    expect(await tier.get(key)).toBeUndefined(); // a new outage: 1 s again, not 2 s, and reported
    expect(warnings.map((warning) => warning.message)).toEqual([
      `tier "${store.name}" failed to get; skipping it for 1000 ms, longer while it keeps failing (up to 30000 ms)`,
      `tier "${store.name}" failed to get; skipping it for 1000 ms, longer while it keeps failing (up to 30000 ms)`,
    ]);
    const calls = store.calls;
    advance(999);
    expect(await tier.get(key)).toBeUndefined();
    expect(store.calls).toBe(calls);
    advance(1);
    await tier.get(key);
    expect(store.calls).toBe(calls + 1);
  });

  it.each([false, true])('a write alone ends the back-off and the report (async %s)', async (async) => {
    const store = flakyStore(async);
    const { tier, warnings, advance } = guarded(store);
    await tier.set(key, entry('lost'));
    advance(1000);
    await tier.set(key, entry('lost')); // fault 2: 2 s
    advance(2000);
    store.healthy = true;
    await tier.set(key, entry('written'));
    expect(store.data.get(key.text)?.value).toBe('written');
    store.healthy = false;
    await tier.set(key, entry('lost'));
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/failed to set; skipping it for 1000 ms/),
      expect.stringMatching(/failed to set; skipping it for 1000 ms/),
    ]);
    const calls = store.calls;
    advance(999);
    await tier.set(key, entry('skipped'));
    expect(store.calls).toBe(calls);
    advance(1);
    await tier.set(key, entry('tried'));
    expect(store.calls).toBe(calls + 1);
  });
});

describe('a guarded operation', () => {
  const ops = [
    ['delete', (tier: Tier) => tier.delete(key), false, true],
    ['clear', (tier: Tier) => tier.clear('tier'), 0, 1],
    ['lease', (tier: Tier) => tier.acquireLease(key, 1000), true, false],
    ['lease', (tier: Tier) => tier.releaseLease(key), undefined, undefined],
    ['wait for a change', (tier: Tier) => tier.changed(key, 1000), undefined, undefined],
    ['record stats', (tier: Tier) => tier.recordStats([]), undefined, undefined],
  ] as const;

  it.each(
    ops.flatMap(([op, run, fallback, healthy]) =>
      [false, true].map((async) => [op, async, run, fallback, healthy] as const),
    ),
  )(
    '%s (async %s): a fault answers the fallback, is reported with its op, and skips the tier',
    async (op, async, run, fallback, healthy) => {
      const store = flakyStore(async);
      store.data.set(key.text, entry('there'));
      const { tier, warnings, events, advance } = guarded(store);
      expect(await run(tier)).toBe(fallback);
      expect(warnings).toEqual([
        {
          message: `tier "${store.name}" failed to ${op}; skipping it for 1000 ms, longer while it keeps failing (up to 30000 ms)`,
          cause: expect.objectContaining({ message: 'down' }),
        },
      ]);
      expect(events).toEqual([
        { type: 'tier-error', tier: store.name, op, error: expect.objectContaining({ message: 'down' }) },
      ]);
      store.healthy = true;
      advance(999);
      expect(await run(tier)).toBe(fallback); // skipped: the store not asked
      expect(store.calls).toBe(1);
      advance(1);
      expect(await run(tier)).toBe(healthy); // tried, and its own answer returned
      expect(store.calls).toBe(2);
      // The success ended the outage: the next fault is reported again, with a 1 s skip.
      store.healthy = false;
      await run(tier);
      expect(warnings).toHaveLength(2);
      expect(warnings[1]?.message).toMatch(/skipping it for 1000 ms/);
    },
  );

  it('lets the call compute when the store cannot lease, without asking it, and no success is counted', async () => {
    const store = flakyStore(false);
    store.acquireLease = undefined;
    const { tier, warnings, advance } = guarded(store);
    await tier.get(key); // fault: the tier is skipped for 1 s
    expect(tier.acquireLease(key, 1000)).toBe(true);
    advance(1000);
    expect(tier.acquireLease(key, 1000)).toBe(true); // not an answer of the store: the outage goes on
    expect(store.calls).toBe(1);
    await tier.get(key); // the first try after the skip fails: 2 s, not reported again
    expect(warnings).toHaveLength(1);
    advance(1999);
    expect(tier.available()).toBe(false);
  });

  it.each([
    ['releaseLease', (tier: Tier) => tier.releaseLease(key)],
    ['changed', (tier: Tier) => tier.changed(key, 1000)],
    ['recordStats', (tier: Tier) => tier.recordStats([])],
  ] as const)('%s on a store without it does nothing, and is no fault', async (method, run) => {
    const store = flakyStore(false);
    store.healthy = true;
    store[method] = undefined;
    const { tier, warnings, events } = guarded(store);
    expect(await run(tier)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(events).toEqual([]);
    expect(tier.available()).toBe(true);
  });
});

describe('faults of operations that overlap', () => {
  it('a fault of an operation started before the tier went down does not lengthen the skip', async () => {
    const store = flakyStore(true);
    const { tier, warnings, events, advance } = guarded(store);
    // Both reads are under way when the first rejects; the second rejects once the tier is down.
    const first = tier.get(key);
    const second = tier.get(entryKey('tier', 'b'));
    await Promise.all([first, second]);
    expect(warnings).toHaveLength(1);
    expect(events).toHaveLength(2); // every fault is an event, even the one not reported
    advance(1000);
    expect(tier.available()).toBe(true); // 1 s, not 2 s
    await tier.get(key); // fault 2 of the outage, on the first try after the skip: 2 s
    advance(1999);
    expect(tier.available()).toBe(false);
    advance(1);
    expect(tier.available()).toBe(true);
  });

  it('a fault at the very end of the skip is on the first try after it: the skip doubles', async () => {
    const store = flakyStore(false);
    const { tier, advance } = guarded(store);
    await tier.get(key);
    advance(1000);
    expect(tier.available()).toBe(true);
    await tier.get(key);
    advance(1999);
    expect(tier.available()).toBe(false);
    advance(1);
    expect(tier.available()).toBe(true);
  });

  it('never skips longer than `backoff`, from the first fault on', async () => {
    const store = flakyStore(false);
    const { tier, warnings, advance } = guarded(store, 300);
    await tier.get(key);
    expect(warnings[0]?.message).toBe(
      'tier "local" failed to get; skipping it for 300 ms, longer while it keeps failing (up to 300 ms)',
    );
    advance(299);
    expect(tier.available()).toBe(false);
    advance(1);
    expect(tier.available()).toBe(true);
  });
});
