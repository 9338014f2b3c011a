import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import type { KeyEncoder } from '../src/index.js';
import { cached, cacheKey, configure, peek, stats } from '../src/index.js';
import { deferred } from './helpers.js';

configure({ defaults: { storage: 'memory' } });

describe('cached()', () => {
  it('keeps a sync function sync, with its name and length', () => {
    let runs = 0;
    function area(w: number, h: number): number {
      runs++;
      return w * h;
    }
    const cachedArea = cached(area);
    const result = cachedArea(2, 3);
    expect(result).toBe(6);
    expect(cachedArea(2, 3)).toBe(6);
    expect(runs).toBe(1);
    expect(cachedArea.name).toBe('area');
    expect(cachedArea.length).toBe(2);
  });

  it('returns promises from an async function, the same one on every hit', async () => {
    const load = cached(async (id: number) => ({ id }), { id: 'async-kind' });
    const first = load(1);
    expect(first).toBeInstanceOf(Promise);
    const value = await first;
    const hit = load(1);
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toBe(value);
    expect(load(1)).toBe(hit);
  });

  it('treats a promise returned by a non-async function as async', async () => {
    let runs = 0;
    const load = cached(
      (id: number) => {
        runs++;
        return Promise.resolve(id * 2);
      },
      { id: 'promise-returning' },
    );
    expect(await Promise.all([load(2), load(2)])).toEqual([4, 4]);
    expect(await load(2)).toBe(4);
    expect(runs).toBe(1);
  });

  it('keys by value: objects regardless of key order, 1 apart from "1"', () => {
    let runs = 0;
    const f = cached(
      (x: unknown) => {
        runs++;
        return JSON.stringify(x);
      },
      { id: 'by-value' },
    );
    f({ a: 1, b: [1, 2] });
    f({ b: [1, 2], a: 1 });
    expect(runs).toBe(1);
    f(1);
    f('1');
    expect(runs).toBe(3);
  });

  it('passes this through', () => {
    const counter = {
      base: 10,
      add: cached(
        function (this: { base: number }, n: number) {
          return this.base + n;
        },
        { id: 'with-this' },
      ),
    };
    expect(counter.add(5)).toBe(15);
  });

  it('takes a custom key function', () => {
    let runs = 0;
    const f = cached(
      (user: { id: number; name: string }) => {
        runs++;
        return user.name;
      },
      { id: 'custom-key', key: (user) => String(user.id) },
    );
    expect(f({ id: 1, name: 'a' })).toBe('a');
    expect(f({ id: 1, name: 'b' })).toBe('a');
    expect(runs).toBe(1);
  });

  it('takes a hash + equals encoder, and keeps its own snapshot against later mutation', async () => {
    let runs = 0;
    const encoder: KeyEncoder = {
      text: (args) => JSON.stringify(args[0]),
      hash: (args) => (args[0] as { tags: string[] }).tags.length,
      snapshot: (args) => [...(args[0] as { tags: string[] }).tags],
      equals: (snapshot, args) => {
        const a = snapshot as string[];
        const b = (args[0] as { tags: string[] }).tags;
        return a.length === b.length && a.every((t, i) => t === b[i]);
      },
    };
    const gate = deferred<void>();
    const f = cached(
      async (query: { tags: string[] }) => {
        runs++;
        await gate.promise;
        return query.tags.join('+');
      },
      { id: 'encoder', key: encoder },
    );
    const query = { tags: ['a', 'b'] };
    const pending = f(query);
    query.tags[1] = 'MUTATED'; // the caller mutates its argument while the call is in flight
    gate.resolve();
    expect(await pending).toBe('a+MUTATED');
    expect(await f({ tags: ['a', 'b'] })).toBe('a+MUTATED'); // keyed by the arguments as they were at the call
    expect(runs).toBe(1);
    expect(await f({ tags: ['a', 'MUTATED'] })).toBe('a+MUTATED');
    expect(runs).toBe(2);
  });

  it('uses [cacheKey]() for class instances', () => {
    let runs = 0;
    class Ref {
      constructor(
        readonly id: number,
        readonly loadedAt: number,
      ) {}
      [cacheKey]() {
        return this.id;
      }
    }
    const f = cached(
      (ref: Ref) => {
        runs++;
        return ref.id;
      },
      { id: 'cachekey' },
    );
    f(new Ref(1, 100));
    f(new Ref(1, 200));
    expect(runs).toBe(1);
  });

  it('keys a function argument by identity with memory storage', () => {
    let runs = 0;
    const f = cached((cb: () => number) => cb() + runs++ * 0, { id: 'callback' });
    const one = () => 1;
    f(one);
    f(one);
    f(() => 1);
    expect(runs).toBe(2);
  });

  it('needs an id for anonymous functions', () => {
    expectError(
      () =>
        cached(
          (
            () => () =>
              1
          )(),
        ),
      { code: 'CACHET_E_CONFIG', message: /options\.id/ },
    );
  });

  it('peeks without running', async () => {
    let runs = 0;
    const f = cached(
      async (n: number) => {
        runs++;
        return n * 10;
      },
      { id: 'peek' },
    );
    expect(peek(f, 1)).toBeUndefined();
    await f(1);
    expect(peek(f, 1)).toBe(10);
    expect(runs).toBe(1);
  });

  it('counts hits and misses per function and per tier', () => {
    const f = cached((n: number) => n, { id: 'counted' });
    f(1);
    f(1);
    f(2);
    const s = stats(f);
    expect(s).toMatchObject({ fn: 'counted', hits: 1, misses: 2 });
    expect(s.tiers.memory).toMatchObject({ hits: 1, misses: 2, writes: 2 });
    expect(stats().functions.map((one) => one.fn)).toContain('counted');
  });
});
