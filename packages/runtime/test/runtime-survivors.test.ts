import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cached,
  clear,
  close,
  configure,
  createMemoryStore,
  invalidate,
  peek,
  stats,
  withCacheContext,
} from '../src/index.js';
import { bind, namedStores } from '../src/registry.js';
import type { Scope } from '../src/scope/scope.js';
import { createSyncScopeStorage } from '../src/scope/sync-scope.js';
import type { FunctionStats } from '../src/stats.js';
import { StatsReporter } from '../src/stats-sink.js';
import { Verifier } from '../src/verify.js';

/** Cache directories the tests configure, removed once the runtime has closed its stores. */
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(async () => {
  await close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

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

describe('storage names resolved into tiers', () => {
  it('refuses a storage that refers to itself, naming the loop', () => {
    configure({ stores: { loopA: ['loopB'], loopB: ['memory', 'loopA'] } });
    const f = cached((n: number) => n, { id: 'loop-storage', storage: 'loopA' });
    expect(() => f(1)).toThrow('storage "loopA" refers to itself (loopA -> loopB -> loopA)');
  });

  it('tiered is the memory tier in front of sqlite', async () => {
    const dir = tempDir('cachet-tiered-');
    configure({ dir });
    let runs = 0;
    const f = cached(async (n: number) => n + runs++ * 0, { id: 'tiered-both', storage: 'tiered' });
    await f(1);
    await f(1);
    expect(runs).toBe(1);
    const tiers = stats(f).tiers;
    expect(tiers.memory?.hits).toBe(1);
    expect(Object.keys(tiers)).toContain('sqlite');
    await close();
  });

  it('a new dir reopens the built-in stores there', async () => {
    const first = tempDir('cachet-dir1-');
    const second = tempDir('cachet-dir2-');
    configure({ dir: first });
    let runs = 0;
    const f = cached(async (n: number) => n + runs++ * 0, { id: 'dir-moves', storage: 'sqlite' });
    await f(1);
    await f(1);
    expect(runs).toBe(1);
    configure({ dir: second });
    await f(1); // the second directory starts empty
    expect(runs).toBe(2);
    expect(readdirSync(second).length).toBeGreaterThan(0);
    await close();
    expect(existsSync(first)).toBe(true);
  });
});

describe('configure() applied at once', () => {
  it('a smaller memory limit evicts at once, not at the next write', () => {
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'shrink-memory', storage: 'memory' });
    for (let n = 0; n < 5; n++) f(n);
    expect(peek(f, 0)).toBe(0);
    configure({ memory: { maxEntries: 2 } });
    try {
      expect(peek(f, 0)).toBeUndefined();
    } finally {
      configure({ memory: { maxEntries: 100_000 } });
    }
  });

  it('a storage naming another keeps the stores of that one', async () => {
    const inner = createMemoryStore({ name: 'inner-held' });
    configure({ stores: { innerNamed: [inner], outerNamed: ['innerNamed'] } });
    let runs = 0;
    const make = () => cached(async (n: number) => n + runs++ * 0, { id: 'nested-named', storage: 'outerNamed' });
    await make()(1);
    await make()(1); // a new function object: no memory of its own, the store answers
    expect(runs).toBe(1);
  });
});

describe('store names compiled functions use', () => {
  it('lets the built-in names through configure({ stores })', () => {
    for (const name of ['memory', 'tiered', 'sqlite', 'fs'])
      bind(
        () => undefined,
        () => never(),
        name,
      );
    expect(() => configure({ stores: { extra: [] } })).not.toThrow();
  });

  it('refuses a name not registered, naming the first function that uses it', () => {
    bind(
      function usesMissing() {},
      () => never(),
      'missingStore',
    );
    bind(
      function alsoUsesMissing() {},
      () => never(),
      'missingStore',
    );
    bind(
      () => undefined,
      () => never(),
      'anonStore',
    );
    try {
      expect(() => configure({ stores: { extra: [] } })).toThrow(/^usesMissing uses storage "missingStore"/);
      namedStores.delete('missingStore');
      expect(() => configure({ stores: { extra: [] } })).toThrow(/^a cached function uses storage "anonStore"/);
    } finally {
      namedStores.delete('missingStore');
      namedStores.delete('anonStore');
    }
  });
});

function never(): never {
  throw new Error('not called');
}

describe('the public API', () => {
  it('refuses what is not a cached function', async () => {
    expect(() => invalidate(() => 1)).toThrow('not a cached function');
    expect(() => cached(42 as never)).toThrow('cached() takes a function');
  });

  it('names the front end in an options error', () => {
    expect(() => cached((n: number) => n, { id: 'bad-options', bogus: 1 } as never)).toThrow(/cached\(\)/);
    expect(() => configure({ bogus: 1 } as never)).toThrow(/configure\(\)/);
  });

  it('keys by a key function when given one', () => {
    let runs = 0;
    const f = cached((n: number, label: string) => `${n}:${label}:${++runs}`, {
      id: 'key-function',
      key: (n) => String(n),
    });
    expect(f(1, 'a')).toBe('1:a:1');
    expect(f(1, 'b')).toBe('1:a:1'); // the label is not part of the key
    expect(f(2, 'a')).toBe('2:a:2');
  });

  it('clear() with no argument drops the entries of every function', async () => {
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'clear-all-f' });
    const g = cached((n: number) => n + runs++ * 0, { id: 'clear-all-g' });
    f(1);
    g(1);
    expect(peek(f, 1)).toBe(1);
    await clear();
    expect(peek(f, 1)).toBeUndefined();
    expect(peek(g, 1)).toBeUndefined();
    f(1);
    expect(runs).toBe(3);
    await close();
  });
});

describe('clear', () => {
  it('clear(fn) drops that function only, clear() every store too', async () => {
    const held = createMemoryStore({ name: 'held' });
    configure({ stores: { held: [held] } });
    let runs = 0;
    const f = cached(async (n: number) => n + runs++ * 0, { id: 'clear-one-f', storage: 'held' });
    const g = cached(async (n: number) => n + runs++ * 0, { id: 'clear-one-g', storage: 'held' });
    await f(1);
    await g(1);
    await clear(f);
    await f(1);
    await g(1);
    expect(runs).toBe(3); // f ran again, g did not
    await clear();
    await g(1);
    expect(runs).toBe(4); // gone from the store as well
  });

  it('clear() opens the built-in stores to clear them, even when none is open', async () => {
    configure({ dir: tempDir('cachet-clear-') });
    let runs = 0;
    const f = cached(async (n: number) => n + runs++ * 0, { id: 'clear-closed', storage: 'sqlite' });
    await f(1);
    await close(); // nothing open now; the entry is on disk
    await f(1);
    expect(runs).toBe(1);
    await close();
    await clear();
    await f(1);
    expect(runs).toBe(2);
    await close();
  });
});

describe('verify mode (Verifier)', () => {
  it('reports two calls that share a compiled key but differ as values', () => {
    const v = new Verifier();
    expect(v.check('k1', 'r1')).toBeUndefined();
    expect(v.check('k1', 'r1')).toBeUndefined();
    expect(v.check('k1', 'r2')).toBe(
      'two calls share a compiled key but differ as values (r1 vs r2); data outside the declared types is not part of the key',
    );
  });

  it('reports two equal calls that got different compiled keys', () => {
    const v = new Verifier();
    expect(v.check('k1', 'r1')).toBeUndefined();
    expect(v.check('k2', 'r1')).toBe('two equal calls got different compiled keys (k1 vs k2)');
    expect(v.check('k3', 'r3')).toBeUndefined();
  });

  it('remembers at most limit calls', () => {
    const v = new Verifier(1);
    expect(v.check('k1', 'r1')).toBeUndefined();
    expect(v.check('k2', 'r2')).toBeUndefined(); // not remembered: the limit is reached
    expect(v.check('k2', 'r3')).toBeUndefined();
    expect(v.check('k3', 'r2')).toBeUndefined();
    expect(v.check('k1', 'r9')).toMatch(/share a compiled key/);
  });
});

describe('counters sent to stores (StatsReporter)', () => {
  const counts = (hits: number, misses: number, staleHits: number, herdJoins: number, errors: number) => ({
    hits,
    misses,
    staleHits,
    herdJoins,
    errors,
  });
  const fn = (id: string, c: ReturnType<typeof counts>) => ({ id, stats: () => c as unknown as FunctionStats });

  it('sums functions of one id, stamps the minute, and sends only what changed', () => {
    const reporter = new StatsReporter();
    const a1 = counts(1, 2, 3, 4, 5);
    const a2 = counts(10, 20, 30, 40, 50);
    const b = counts(0, 1, 0, 0, 0);
    const minute = 60_000;
    expect(reporter.samples([fn('a', a1), fn('a', a2), fn('b', b)], 5 * minute + 59_999)).toEqual([
      { fn: 'a', at: 5 * minute, ...counts(11, 22, 33, 44, 55) },
      { fn: 'b', at: 5 * minute, ...counts(0, 1, 0, 0, 0) },
    ]);
    expect(reporter.samples([fn('a', a1), fn('a', a2), fn('b', b)], 6 * minute)).toEqual([]);
    const changes = [
      counts(1, 0, 0, 0, 0),
      counts(0, 1, 0, 0, 0),
      counts(0, 0, 1, 0, 0),
      counts(0, 0, 0, 1, 0),
      counts(0, 0, 0, 0, 1),
    ];
    let total = counts(11, 22, 33, 44, 55);
    for (const change of changes) {
      total = counts(
        total.hits + change.hits,
        total.misses + change.misses,
        total.staleHits + change.staleHits,
        total.herdJoins + change.herdJoins,
        total.errors + change.errors,
      );
      expect(reporter.samples([fn('a', total)], 7 * minute)).toEqual([{ fn: 'a', at: 7 * minute, ...change }]);
    }
  });
});
