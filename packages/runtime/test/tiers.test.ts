import { beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { cached, clear, configure, createMemoryStore, invalidate, stats } from '../src/index.js';
import type { Store, StoreHost } from '../src/store-kit.js';
import { asyncStore, failingStore, flush, manualClock, recordingLogger } from './helpers.js';

const clock = manualClock();
const logger = recordingLogger();
configure({ now: clock.now, logger, backoff: '30s' });

beforeEach(() => {
  logger.messages.length = 0;
});

function register(name: string, spec: Store | (string | Store)[]): void {
  configure({ stores: { [name]: spec } });
}

describe('tiers', () => {
  it('reads tiers in order; a lower hit fills the tiers above it', async () => {
    const upper = createMemoryStore({ name: 'upper' });
    const lower = createMemoryStore({ name: 'lower' });
    register('pair', ['memory', upper, lower]);
    let runs = 0;
    const make = () => cached(async (n: number) => n * 10 + runs++, { id: 'fill', storage: 'pair' });
    expect(await make()(1)).toBe(10);
    upper.clear();
    const fresh = make(); // a new function object: empty memory table, as after a restart
    expect(await fresh(1)).toBe(10);
    expect(runs).toBe(1);
    expect(stats(fresh).tiers.lower?.hits).toBe(1);
    // The lower hit filled the upper tier with the value itself, not just some entry.
    expect(await upper.get({ fn: 'fill', version: '0', text: 'fill\u00000\u0000d1', hash: 0n })).toMatchObject({
      value: 10,
    });
  });

  it('lets sync functions read only sync stores and write async ones in the background', async () => {
    const remote = createMemoryStore({ name: 'remote-data' });
    register('remote', [asyncStore(remote, 'remote')]);
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'sync-async', storage: 'remote' });
    expect(f(1)).toBe(1);
    await flush();
    expect(remote.clear()).toBe(1); // it was written
    expect(f(1)).toBe(1);
    expect(runs).toBe(2); // and not read: no memory tier in this storage, no sync store
  });

  it('reads async stores from async functions', async () => {
    const remote = createMemoryStore({ name: 'remote2-data' });
    register('remote2', [asyncStore(remote, 'remote2')]);
    let runs = 0;
    const make = () => cached(async (n: number) => n + runs++ * 0, { id: 'async-read', storage: 'remote2' });
    await make()(1);
    await make()(1);
    expect(runs).toBe(1);
  });

  it('survives a failing tier: the call computes, one warning, the tier skipped for the back-off', async () => {
    const broken = failingStore('broken');
    register('fragile', ['memory', broken]);
    let runs = 0;
    const f = cached(async (n: number) => n + runs++ * 0, { id: 'fault', storage: 'fragile' });
    const g = cached(async (n: number) => n * 2, { id: 'fault2', storage: 'fragile' });
    expect(await f(1)).toBe(1);
    expect(await g(1)).toBe(2);
    expect(await f(2)).toBe(2);
    expect(logger.messages).toHaveLength(1);
    expect(logger.messages[0]).toMatch(/tier "broken" failed/);
    expect(logger.causes[0]).toBeInstanceOf(Error);
    const callsWhileDown = broken.calls;
    await f(3);
    expect(broken.calls).toBe(callsWhileDown); // skipped during the back-off
    broken.healthy = true;
    clock.advance(30_000);
    await f(4);
    expect(broken.calls).toBeGreaterThan(callsWhileDown); // tried again after it
    expect(broken.data.size).toBe(1);
    broken.healthy = false;
    await f(5);
    expect(logger.messages).toHaveLength(2); // a new outage is reported again
  });

  it('survives a failing tier for sync functions', () => {
    register('fragile-sync', [failingStore('broken-sync')]);
    const f = cached((n: number) => n + 1, { id: 'fault-sync', storage: 'fragile-sync' });
    expect(f(1)).toBe(2);
    expect(f(1)).toBe(2);
  });

  it("attaches a registered store to the runtime's clock and logger on first use", () => {
    const inner = createMemoryStore({ name: 'attached-data' });
    let host: StoreHost | undefined;
    const attached = Object.assign(Object.create(inner) as Store, {
      name: 'attached',
      attach: (h: StoreHost) => void (host = h),
    });
    register('attached', [attached]);
    expect(host).toBeUndefined();
    cached((n: number) => n, { id: 'attach', storage: 'attached' })(1);
    expect(host?.now()).toBe(clock.now());
    host?.warn('from the store');
    expect(logger.messages).toContain('from the store');
  });

  it('uses a store whose subscribe throws, and reports it once', () => {
    const inner = createMemoryStore({ name: 'deaf-data' });
    const deaf = Object.assign(Object.create(inner) as Store, {
      name: 'deaf',
      subscribe: () => {
        throw new Error('no pub/sub');
      },
    });
    register('deaf', ['memory', deaf]);
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'deaf', storage: 'deaf' });
    expect(f(1)).toBe(1);
    expect(f(1)).toBe(1);
    expect(runs).toBe(1);
    expect(logger.messages.filter((m) => m.includes('tier "deaf" failed to start listening'))).toHaveLength(1);
  });

  it('refuses an unknown storage name with a clear error', () => {
    const f = cached((n: number) => n, { id: 'unknown-storage', storage: 'nowhere' });
    expectError(() => f(1), { code: 'CACHET_E_CONFIG', message: /unknown storage "nowhere"/ });
  });

  it('applies policy functions per tier: skip a tier, or keep with another ttl', async () => {
    const shelf = createMemoryStore({ name: 'policy-shelf' });
    register('policed', ['memory', shelf]);
    configure({
      policy: ({ fn, tier, size }) => {
        if (fn !== 'policy') return true;
        if (tier === 'memory') return size < 100 ? { ttl: '1s' } : false;
        return true;
      },
    });
    let runs = 0;
    const f = cached(async (text: string) => `${text}#${++runs}`, { id: 'policy', storage: 'policed', ttl: '1h' });
    await f('small');
    await f('x'.repeat(500));
    expect(stats(f).tiers.memory?.writes).toBe(1); // the large value skipped memory
    clock.advance(1_000);
    expect(await f('small')).toBe('small#1'); // memory expired after 1s; the shelf still had it
    expect(stats(f).tiers['policy-shelf']?.hits).toBe(1);
    configure({ policy: () => true });
  });

  it('invalidates one entry and clears a function or everything, in every tier', async () => {
    const shelf = createMemoryStore({ name: 'clear-shelf' });
    register('clearable', ['memory', shelf]);
    let runs = 0;
    const f = cached(async (n: number) => `${n}#${++runs}`, { id: 'clearable', storage: 'clearable' });
    await f(1);
    await f(2);
    await invalidate(f, 1);
    expect(await f(1)).toBe('1#3');
    expect(await f(2)).toBe('2#2');
    await clear(f);
    expect(await f(2)).toBe('2#4');
    await clear();
    expect(await f(1)).toBe('1#5');
  });
});
