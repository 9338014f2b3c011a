import { beforeEach, describe, expect, it } from 'vitest';
import { cached, configure } from '../src/index.js';
import { failingStore, manualClock, recordingLogger } from './helpers.js';

const clock = manualClock();
const logger = recordingLogger();
configure({ now: clock.now, logger, backoff: '30s' });

beforeEach(() => {
  logger.messages.length = 0;
});

let fresh = 1000;

/** Calls `f` with a new argument at each clock step and records whether the store was tried. */
async function triedAt(f: (n: number) => Promise<number>, store: { calls: number }, steps: number[]) {
  const tried: boolean[] = [];
  for (const step of steps) {
    clock.advance(step);
    const before = store.calls;
    await f(fresh++);
    tried.push(store.calls > before);
  }
  return tried;
}

describe('tier back-off', () => {
  it('skips a failing tier 1 s at first, doubling while it keeps failing, up to `backoff`', async () => {
    const broken = failingStore('flaky');
    configure({ stores: { flaky: ['memory', broken] } });
    const f = cached(async (n: number) => n, { id: 'backoff-grow', storage: 'flaky' });
    expect(await f(1)).toBe(1); // first fault: skipped for 1 s
    expect(logger.messages).toEqual([
      'tier "flaky" failed to get; skipping it for 1000 ms, longer while it keeps failing (up to 30000 ms)',
    ]);
    // 999 ms later still skipped; at 1 s tried (fault 2: 2 s); 1.999 s later skipped; then tried
    // (fault 3: 4 s), and so on.
    expect(await triedAt(f, broken, [999, 1, 1999, 1, 3999, 1, 7999, 1, 15_999, 1])).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
    // The skip is now capped at 30 s, not 32 s.
    expect(await triedAt(f, broken, [29_999, 1, 29_999, 1])).toEqual([false, true, false, true]);
    expect(logger.messages).toHaveLength(1); // one report per outage
  });

  it('starts again from 1 s after the tier recovers, and reports the next outage', async () => {
    const broken = failingStore('recovering');
    configure({ stores: { recovering: ['memory', broken] } });
    const f = cached(async (n: number) => n, { id: 'backoff-reset', storage: 'recovering' });
    await f(1);
    expect(await triedAt(f, broken, [1000, 2000])).toEqual([true, true]); // skips 1 s, then 2 s
    broken.healthy = true;
    expect(await triedAt(f, broken, [4000])).toEqual([true]);
    expect(broken.data.size).toBe(1); // written while healthy
    broken.healthy = false;
    expect(await triedAt(f, broken, [0, 999, 1])).toEqual([true, false, true]); // 1 s again
    expect(logger.messages).toHaveLength(2);
    expect(logger.messages[1]).toMatch(/skipping it for 1000 ms/);
  });

  it('never skips longer than `backoff` when it is under 1 s', async () => {
    configure({ backoff: '200ms' });
    try {
      const broken = failingStore('short');
      configure({ stores: { short: ['memory', broken] } });
      const f = cached(async (n: number) => n, { id: 'backoff-short', storage: 'short' });
      await f(1);
      expect(await triedAt(f, broken, [199, 1, 199, 1])).toEqual([false, true, false, true]);
    } finally {
      configure({ backoff: '30s' });
    }
  });
});
