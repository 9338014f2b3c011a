import { beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { cached, configure, createMemoryStore, stats } from '../src/index.js';
import { deferred, flush, manualClock, recordingLogger } from './helpers.js';

const clock = manualClock();
const logger = recordingLogger();
configure({ now: clock.now, logger, defaults: { storage: 'memory' } });

beforeEach(() => {
  logger.messages.length = 0;
});

describe('ttl', () => {
  it('serves until the ttl passes, exactly, then recomputes', () => {
    let runs = 0;
    const f = cached((n: number) => n + runs++, { id: 'ttl-exact', ttl: '10s' });
    expect(f(1)).toBe(1);
    clock.advance(9_999);
    expect(f(1)).toBe(1);
    clock.advance(1);
    expect(f(1)).toBe(2);
    expect(runs).toBe(2);
  });

  it('keeps forever entries forever', () => {
    let runs = 0;
    const f = cached((n: number) => n + runs++, { id: 'ttl-forever', ttl: 'forever' });
    f(1);
    clock.advance(10 * 365 * 86_400_000);
    f(1);
    expect(runs).toBe(1);
  });

  it('expires entries in persistent tiers by the same clock', async () => {
    const store = createMemoryStore({ name: 'shelf' });
    configure({ stores: { shelf: store } });
    let runs = 0;
    const f = cached(async (n: number) => n + runs++, { id: 'ttl-store', ttl: '1m', storage: 'shelf' });
    expect(await f(1)).toBe(1);
    expect(await f(1)).toBe(1);
    clock.advance(60_000);
    expect(await f(1)).toBe(2);
  });

  it('rejects a ttl that is not a duration where cached() is called', () => {
    expectError(() => cached((n: number) => n, { id: 'ttl-bad', ttl: '10 minutes' }), {
      code: 'CACHET_E_BAD_DURATION',
      message: /CACHET_E_BAD_DURATION: ttl "10 minutes" is not a duration/,
    });
  });
});

describe('version', () => {
  it('keeps entries of one version from another in a shared store', async () => {
    const store = createMemoryStore({ name: 'versions' });
    configure({ stores: { versions: store } });
    let runs = 0;
    const v1 = cached(async (n: number) => `v1:${n}:${runs++}`, { id: 'versioned', version: '1', storage: 'versions' });
    const v1again = cached(async (n: number) => `v1:${n}:${runs++}`, {
      id: 'versioned',
      version: '1',
      storage: 'versions',
    });
    const v2 = cached(async (n: number) => `v2:${n}:${runs++}`, { id: 'versioned', version: '2', storage: 'versions' });
    expect(await v1(1)).toBe('v1:1:0');
    expect(await v1again(1)).toBe('v1:1:0'); // the same entry, read from the store
    expect(await v2(1)).toBe('v2:1:1');
  });
});

describe('stale-while-revalidate', () => {
  it('returns the stale value at once and refreshes it once in the background', async () => {
    let runs = 0;
    const gate = deferred<void>();
    const f = cached(
      async (id: string) => {
        runs++;
        if (runs > 1) await gate.promise;
        return `${id}#${runs}`;
      },
      { id: 'swr', ttl: '1m', swr: '5m' },
    );
    expect(await f('a')).toBe('a#1');
    clock.advance(90_000); // past ttl, inside the swr window
    const stale = await Promise.all([f('a'), f('a'), f('a')]);
    expect(stale).toEqual(['a#1', 'a#1', 'a#1']);
    expect(runs).toBe(2); // one refresh for three stale reads
    gate.resolve();
    await flush();
    expect(await f('a')).toBe('a#2');
    expect(stats(f)).toMatchObject({ staleHits: 3, refreshes: 1 });
  });

  it('keeps the stale value when the refresh fails, and reports it once', async () => {
    let runs = 0;
    const f = cached(
      async (id: string) => {
        runs++;
        if (runs > 1) throw new Error('origin down');
        return `${id}#${runs}`;
      },
      { id: 'swr-fail', ttl: '1m', swr: '5m' },
    );
    await f('a');
    clock.advance(61_000);
    expect(await f('a')).toBe('a#1');
    await flush();
    expect(await f('a')).toBe('a#1');
    await flush();
    expect(stats(f).refreshErrors).toBe(2);
    expect(logger.messages.filter((m) => m.includes('swr-fail'))).toHaveLength(1);
  });

  it('recomputes past the swr window', async () => {
    let runs = 0;
    const f = cached(async (id: string) => `${id}#${++runs}`, { id: 'swr-past', ttl: '1m', swr: '1m' });
    await f('a');
    clock.advance(120_000);
    expect(await f('a')).toBe('a#2');
  });

  it('lets a sync function recompute instead of serving stale', () => {
    let runs = 0;
    const f = cached((id: string) => `${id}#${++runs}`, { id: 'swr-sync', ttl: '1m', swr: '5m' });
    f('a');
    clock.advance(61_000);
    expect(f('a')).toBe('a#2');
  });

  it('serves stale entries from a lower tier too', async () => {
    const store = createMemoryStore({ name: 'stale-shelf' });
    configure({ stores: { staleShelf: store } });
    let runs = 0;
    const gate = deferred<void>();
    const make = () =>
      cached(
        async (id: string) => {
          runs++;
          if (runs > 1) await gate.promise;
          return `${id}#${runs}`;
        },
        { id: 'swr-lower', ttl: '1m', swr: '5m', storage: 'staleShelf' },
      );
    expect(await make()('a')).toBe('a#1');
    clock.advance(61_000);
    const other = make();
    expect(await other('a')).toBe('a#1');
    gate.resolve();
    await flush();
    expect(await other('a')).toBe('a#2');
    expect(runs).toBe(2);
  });
});

describe('stale-while-revalidate across processes', () => {
  it('refreshes only when this process gets the lease; otherwise keeps serving stale', async () => {
    const data = createMemoryStore({ name: 'leasing-data' });
    let leaseFree = true;
    const leasing = Object.assign(Object.create(data) as typeof data, {
      name: 'leasing',
      acquireLease: () => leaseFree,
      releaseLease: () => undefined,
    });
    configure({ stores: { leasing: ['memory', leasing] } });
    let runs = 0;
    const f = cached(async (id: string) => `${id}#${++runs}`, { id: 'swr-lease', ttl: '1m', swr: '10m' });
    configure({ defaults: { storage: 'leasing' } });
    expect(await f('a')).toBe('a#1');
    leaseFree = false; // another process holds the lease from here on
    clock.advance(61_000);
    expect(await f('a')).toBe('a#1'); // stale; the refresh finds the lease taken elsewhere
    await flush();
    expect(runs).toBe(1);
    expect(await f('a')).toBe('a#1');
    leaseFree = true;
    await flush();
    expect(await f('a')).toBe('a#1'); // stale once more; this time the refresh runs
    await flush();
    expect(runs).toBe(2);
    expect(await f('a')).toBe('a#2');
    configure({ defaults: { storage: 'memory' } });
  });
});
