import { describe, expect, it } from 'vitest';
import { cached, configure, stats } from '../src/index.js';
import { lookupFunction } from '../src/registry.js';
import { deferred } from './helpers.js';

configure({ defaults: { storage: 'memory' } });

describe('the herd', () => {
  it('runs an async function once for 1000 concurrent callers of one key', async () => {
    let runs = 0;
    const gate = deferred<void>();
    const load = cached(
      async (id: number) => {
        runs++;
        await gate.promise;
        return { id, name: `user${id}` };
      },
      { id: 'herd-1000' },
    );
    const calls = Array.from({ length: 1000 }, () => load(7));
    gate.resolve();
    const results = await Promise.all(calls);
    expect(runs).toBe(1);
    expect(results.every((r) => r === results[0] && r.name === 'user7')).toBe(true);
    expect(stats(load)).toMatchObject({ misses: 1, herdJoins: 999 });
  });

  it('gives every waiter the same rejection and caches no error', async () => {
    let runs = 0;
    const gate = deferred<void>();
    const boom = new Error('upstream down');
    const load = cached(
      async (id: number) => {
        runs++;
        await gate.promise;
        if (runs === 1) throw boom;
        return id;
      },
      { id: 'herd-reject' },
    );
    const calls = Array.from({ length: 50 }, () =>
      load(1).then(
        () => 'ok',
        (error: unknown) => error,
      ),
    );
    gate.resolve();
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((o) => o === boom)).toBe(true);
    expect(runs).toBe(1);
    expect(await load(1)).toBe(1);
    expect(runs).toBe(2);
    expect(stats(load).errors).toBe(1);
  });

  it('does not cache a sync throw', () => {
    let runs = 0;
    const parse = cached(
      (text: string) => {
        runs++;
        if (runs === 1) throw new SyntaxError('bad');
        return text.length;
      },
      { id: 'sync-throw' },
    );
    expect(() => parse('abc')).toThrow(SyntaxError);
    expect(parse('abc')).toBe(3);
    expect(parse('abc')).toBe(3);
    expect(runs).toBe(2);
  });

  it('empties itself: 100 000 distinct keys in flight leave nothing behind', async () => {
    const gate = deferred<void>();
    const load = cached(
      async (n: number) => {
        await gate.promise;
        return n;
      },
      { id: 'herd-leak', storage: 'memory' },
    );
    const calls: Promise<number>[] = [];
    for (let i = 0; i < 100_000; i++) calls.push(load(i));
    const cf = lookupFunction(load);
    expect(cf.inFlight).toBe(100_000);
    gate.resolve();
    await Promise.all(calls);
    expect(cf.inFlight).toBe(0);
  });

  it('keeps different keys apart while in flight', async () => {
    let runs = 0;
    const load = cached(
      async (a: string, b: string) => {
        runs++;
        return `${a}/${b}`;
      },
      { id: 'herd-keys' },
    );
    const [x, y] = await Promise.all([load('a|b', 'c'), load('a', 'b|c')]);
    expect([x, y]).toEqual(['a|b/c', 'a/b|c']);
    expect(runs).toBe(2);
  });
});
