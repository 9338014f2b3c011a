import { describe, expect, it } from 'vitest';
import { configure, invalidate, isCachetError, peek, stats, withThis } from '../src/index.js';
import { bind, define, type KeyEncoder } from '../src/internal.js';

configure({ defaults: { storage: 'memory' } });

const byValues: KeyEncoder = {
  text: (args) => JSON.stringify(Array.from(args)),
  hash: (args) => JSON.stringify(Array.from(args)).length,
  snapshot: (args) => Array.from(args),
  equals: (snapshot, args) => {
    const s = snapshot as unknown[];
    if (s.length !== args.length) return false;
    for (let i = 0; i < s.length; i++) if (s[i] !== args[i]) return false;
    return true;
  },
};

describe('the entry generated code calls', () => {
  it('call1/call2/call3 hit and miss like invoke, passing this and exactly N arguments', () => {
    const seen: unknown[][] = [];
    const cf = define({ id: 'fixed', encoder: byValues }, function (this: { k: number }, ...args: number[]) {
      seen.push(args);
      return this.k + args.reduce((a, b) => a + b, 0);
    });
    const self = { k: 100 };
    expect(cf.call1(self, 1)).toBe(101);
    expect(cf.call1(self, 1)).toBe(101);
    expect(cf.call2(self, 1, 2)).toBe(103);
    expect(cf.call3(self, 1, 2, 3)).toBe(106);
    expect(cf.call3(self, 1, 2, 3)).toBe(106);
    expect(cf.invoke(self, [1, 2, 3])).toBe(106); // the same key through invoke
    expect(seen).toEqual([[1], [1, 2], [1, 2, 3]]);
    expect(cf.stats()).toMatchObject({ hits: 3, misses: 3 });
  });

  it('with positional members (hashAt, equalsAt), call1..call3 key exactly as invoke does', () => {
    let runs = 0;
    const pair: KeyEncoder = {
      ...byValues,
      hashAt: (_self, a, b) => (a as number) * 31 + (b as number),
      equalsAt: (s, _self, a, b) => (s as unknown[])[0] === a && (s as unknown[])[1] === b,
    };
    const cf = define(
      { id: 'positional', encoder: { ...pair, hash: (args) => pair.hashAt?.(undefined, args[0], args[1], undefined) } },
      (a: number, b: number) => a * 10 + b + runs++ * 0,
    );
    expect(cf.call2(undefined, 1, 2)).toBe(12);
    expect(cf.call2(undefined, 1, 2)).toBe(12);
    expect(cf.invoke(undefined, [1, 2])).toBe(12);
    expect(cf.call2(undefined, 2, 1)).toBe(21);
    expect(cf.call2(undefined, 0, 33)).toBe(33); // the same hash as (1, 2): equalsAt tells them apart
    expect(runs).toBe(3);
  });

  it('a positional hash without equalsAt is the key itself: NaN is one key, 0 and -0 are one key', () => {
    const seen: unknown[] = [];
    const own: KeyEncoder = { ...byValues, hash: (args) => args[0], hashAt: (_self, a) => a };
    const cf = define({ id: 'own-key', encoder: own }, (n: number) => {
      seen.push(n);
      return String(n);
    });
    expect(cf.call1(undefined, Number.NaN)).toBe('NaN');
    expect(cf.call1(undefined, Number.NaN)).toBe('NaN');
    expect(cf.call1(undefined, 0)).toBe('0');
    expect(cf.call1(undefined, -0)).toBe('0');
    expect(cf.call1(undefined, 1)).toBe('1');
    expect(seen).toEqual([Number.NaN, 0, 1]);
  });

  it('bind lets invalidate and stats reach a compiled function before its first call', async () => {
    let cf: ReturnType<typeof define> | undefined;
    let runs = 0;
    const get = () => (cf ??= define({ id: 'bound', encoder: byValues }, (n: number) => n + runs++ * 0));
    function compiled(n: number): number {
      return get().call1(undefined, n) as number;
    }
    bind(compiled, get);
    expect(stats(compiled).misses).toBe(0);
    compiled(1);
    compiled(1);
    await invalidate(compiled, 1);
    compiled(1);
    expect(runs).toBe(2);
  });

  it('invalidate and peek reach a method keyed by this through withThis(instance, method)', async () => {
    let cf: ReturnType<typeof define> | undefined;
    const byThis: KeyEncoder = {
      text: (args, self) => `${(self as { id: number }).id}:${String(args[0])}`,
      hash: (args, self) => (self as { id: number }).id * 31 + (args[0] as number),
      snapshot: (args, self) => [(self as { id: number }).id, args[0]],
      equals: (s, args, self) => (s as number[])[0] === (self as { id: number }).id && (s as number[])[1] === args[0],
    };
    let runs = 0;
    const get = () =>
      (cf ??= define({ id: 'Repo.find', encoder: byThis }, function (this: { id: number }, n: number) {
        runs++;
        return this.id * 100 + n;
      }));
    class Repo {
      constructor(readonly id: number) {}
      find(n: number): number {
        return get().call1(this, n) as number;
      }
    }
    bind(Repo.prototype.find, get);
    const repo = new Repo(7);
    repo.find(1);
    expect(peek(withThis(repo, repo.find), 1)).toBe(701);
    expect(peek(withThis(new Repo(8), repo.find), 1)).toBeUndefined();
    expect(withThis(repo, repo.find)(1)).toBe(701); // a bound method still calls through the cache
    await invalidate(withThis(repo, repo.find), 1);
    expect(peek(withThis(repo, repo.find), 1)).toBeUndefined();
    repo.find(1);
    expect(runs).toBe(2);
    let caught: unknown;
    try {
      peek(repo.find, 1);
    } catch (error) {
      caught = error;
    }
    expect(isCachetError(caught, 'CACHET_E_CONFIG')).toBe(true);
    expect(String(caught)).toMatch(/peek\(withThis\(instance, method\), \.\.\.args\)/);
  });
});
