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

  it('keeps no reference to the arguments after a call', () => {
    const cf = define({ id: 'scratch', encoder: byValues }, (o: object) => typeof o);
    const arg = { big: 'x'.repeat(10) };
    cf.call1(undefined, arg);
    cf.call1(undefined, arg);
    const scratch = (cf as unknown as { scratch1: unknown[] }).scratch1;
    expect(scratch).toEqual([undefined]);
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
