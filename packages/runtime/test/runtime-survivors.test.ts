import { describe, expect, it } from 'vitest';
import { cached, configure, withCacheContext } from '../src/index.js';
import type { Scope } from '../src/scope/scope.js';
import { createSyncScopeStorage } from '../src/scope/sync-scope.js';

// Tests written from the survivors of the scoped mutation runs over the runtime's configuration,
// its registry, the public API and scopes (docs/testing.md, "The runtime, its registry, the public
// API and scopes"). A scope must never outlive its call: one left current would serve one
// request's context cache to another.

// `none`: no shared tier at all, so only an in-context cache can answer.
configure({ stores: { none: [] }, defaults: { storage: 'memory' } });

const scopeA: Scope = { context: undefined, options: { read: false } };
const scopeB: Scope = { context: undefined, options: { write: false } };

describe('synchronous scopes (the browser platform)', () => {
  it('holds the scope while fn runs, returns what fn returns, and holds none before or after', () => {
    const storage = createSyncScopeStorage();
    expect(storage.get()).toBeUndefined();
    const seen = storage.run(scopeA, () => storage.get());
    expect(seen).toBe(scopeA);
    expect(storage.run(scopeA, () => 42)).toBe(42);
    expect(storage.get()).toBeUndefined();
  });

  it('restores the outer scope when a nested run ends', () => {
    const storage = createSyncScopeStorage();
    const seen: (Scope | undefined)[] = [];
    storage.run(scopeA, () => {
      storage.run(scopeB, () => seen.push(storage.get()));
      seen.push(storage.get());
    });
    expect(seen).toEqual([scopeB, scopeA]);
    expect(storage.get()).toBeUndefined();
  });

  it('restores the outer scope when fn throws', () => {
    const storage = createSyncScopeStorage();
    expect(() =>
      storage.run(scopeA, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(storage.get()).toBeUndefined();
  });

  it('keeps two storages apart', () => {
    const one = createSyncScopeStorage();
    const two = createSyncScopeStorage();
    one.run(scopeA, () => expect(two.get()).toBeUndefined());
  });
});

describe('withCacheContext limits', () => {
  it('keeps at most 10 000 entries by default', () => {
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'ctx-default-entries', storage: 'none' });
    withCacheContext(() => {
      for (let n = 0; n < 10_000; n++) f(n);
      f(10_000); // one over: the oldest (0) goes
      expect(runs).toBe(10_001);
      f(1); // still there
      expect(runs).toBe(10_001);
      f(0);
      expect(runs).toBe(10_002);
    });
  });

  it('keeps up to 64 MiB by default', () => {
    let runs = 0;
    const f = cached(
      (n: number) => {
        runs++;
        return `${n}`.padEnd(4096, '.');
      },
      {
        id: 'ctx-default-bytes',
        storage: 'none',
      },
    );
    withCacheContext(() => {
      f(1);
      f(2);
      f(1);
      f(2);
    });
    expect(runs).toBe(2);
  });

  it('takes maxEntries as given', () => {
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'ctx-max-entries', storage: 'none' });
    withCacheContext(
      () => {
        f(1);
        f(2);
        f(2);
        expect(runs).toBe(2);
        f(3); // over 2: the oldest (1) goes
        f(1);
        expect(runs).toBe(4);
      },
      { maxEntries: 2 },
    );
  });

  it('takes maxBytes as given', () => {
    let runs = 0;
    const f = cached(
      (n: number) => {
        runs++;
        return `${n}`.padEnd(2000, '.');
      },
      {
        id: 'ctx-max-bytes',
        storage: 'none',
      },
    );
    withCacheContext(
      () => {
        f(1);
        f(2);
        f(2);
        expect(runs).toBe(2);
        f(3); // three 4 kB values are over 10 000 bytes: the oldest (1) goes
        f(1);
        expect(runs).toBe(4);
      },
      { maxBytes: 10_000 },
    );
  });
});
