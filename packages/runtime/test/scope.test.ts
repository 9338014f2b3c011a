import { describe, expect, it } from 'vitest';
import { cached, configure, stats, withCacheContext, withCacheOptions } from '../src/index.js';
import { deferred } from './helpers.js';

// `none`: no shared tier at all, so only an in-context cache can answer.
configure({ stores: { none: [] }, defaults: { storage: 'memory' } });

describe('withCacheContext', () => {
  it('caches inside the context, across awaits, and drops it at the end', async () => {
    let runs = 0;
    const f = cached(async (n: number) => n + runs++ * 0, { id: 'ctx-basic', storage: 'none' });
    await withCacheContext(async () => {
      await f(1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      await f(1);
      await Promise.resolve().then(() => f(1));
    });
    expect(runs).toBe(1);
    expect(stats(f).tiers.context?.hits).toBe(2);
    await withCacheContext(() => f(1));
    expect(runs).toBe(2); // a new context starts empty
    await f(1);
    await f(1);
    expect(runs).toBe(4); // outside any context nothing is kept
  });

  it('keeps what one context stored from another that is still running', async () => {
    let runs = 0;
    const f = cached(async (who: string) => `${who}:${++runs}`, { id: 'ctx-isolated', storage: 'none' });
    const aStored = deferred<void>();
    const bDone = deferred<void>();
    const a = withCacheContext(async () => {
      const first = await f('me');
      aStored.resolve();
      await bDone.promise;
      return [first, await f('me')];
    });
    const b = withCacheContext(async () => {
      await aStored.promise;
      const first = await f('me');
      const second = await f('me');
      bDone.resolve();
      return [first, second];
    });
    const [[a1, a2], [b1, b2]] = await Promise.all([a, b]);
    expect([a1, a2]).toEqual(['me:1', 'me:1']);
    expect([b1, b2]).toEqual(['me:2', 'me:2']);
  });

  it('shares one run between contexts that miss together, and each keeps the result', async () => {
    let runs = 0;
    const gate = deferred<void>();
    const f = cached(
      async (who: string) => {
        runs++;
        await gate.promise;
        return `${who}:${runs}`;
      },
      { id: 'ctx-herd', storage: 'none' },
    );
    const request = () =>
      withCacheContext(async () => {
        const first = await f('me');
        return [first, await f('me')];
      });
    const both = Promise.all([request(), request()]);
    gate.resolve();
    expect(await both).toEqual([
      ['me:1', 'me:1'],
      ['me:1', 'me:1'],
    ]);
    expect(runs).toBe(1);
  });

  it('sits in front of the memory tier and is filled by its hits', () => {
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'ctx-front', storage: 'memory' });
    f(1);
    withCacheContext(() => {
      f(1);
      f(1);
    });
    expect(runs).toBe(1);
    const tiers = stats(f).tiers;
    expect(tiers.memory?.hits).toBe(1);
    expect(tiers.context?.hits).toBe(1);
  });
});

describe('withCacheOptions', () => {
  it('read: false recomputes and refreshes the entry', () => {
    let runs = 0;
    const f = cached((n: number) => `${n}#${++runs}`, { id: 'opt-read' });
    expect(f(1)).toBe('1#1');
    expect(withCacheOptions({ read: false }, () => f(1))).toBe('1#2');
    expect(f(1)).toBe('1#2');
  });

  it('write: false leaves the cache untouched', () => {
    let runs = 0;
    const f = cached((n: number) => `${n}#${++runs}`, { id: 'opt-write' });
    expect(withCacheOptions({ write: false }, () => f(1))).toBe('1#1');
    expect(f(1)).toBe('1#2');
    expect(f(1)).toBe('1#2');
  });

  it('tiers limits the tiers used', () => {
    let runs = 0;
    const f = cached((n: number) => `${n}#${++runs}`, { id: 'opt-tiers' });
    f(1);
    expect(withCacheOptions({ tiers: ['context'] }, () => f(1))).toBe('1#2');
  });

  it('follows the async context and nests', async () => {
    let runs = 0;
    const f = cached(async (n: number) => `${n}#${++runs}`, { id: 'opt-nest' });
    await f(1);
    const inner = await withCacheOptions({ write: false }, async () => {
      await Promise.resolve();
      return withCacheOptions({ read: false }, () => f(1));
    });
    expect(inner).toBe('1#2');
    expect(await f(1)).toBe('1#1'); // write: false from the outer scope still held
  });
});
