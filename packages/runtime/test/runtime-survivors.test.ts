import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CachedFunction } from '../src/cached-function.js';
import type { ConfigureOptions } from '../src/config.js';
import {
  CachetError,
  cached,
  clear,
  close,
  configure,
  createMemoryStore,
  invalidate,
  peek,
  stats,
  withCacheContext,
  withThis,
} from '../src/index.js';
import { platform, type StoreSettings } from '../src/platform.js';
import { bind, namedStores } from '../src/registry.js';
import { Runtime } from '../src/runtime.js';
import type { Scope } from '../src/scope/scope.js';
import { createSyncScopeStorage } from '../src/scope/sync-scope.js';
import type { FunctionStats } from '../src/stats.js';
import { StatsReporter } from '../src/stats-sink.js';
import type { InvalidationListener, StatsSample, Store } from '../src/store.js';
import { Verifier } from '../src/verify.js';

/** Cache directories the tests configure, removed once the runtime has closed its stores. */
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
/** Runtimes of their own (not the process-wide one), closed before their directories go. */
const runtimes: Runtime[] = [];
afterAll(async () => {
  await close();
  for (const rt of runtimes) await rt.close();
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

// The runtime's own state, from what the third run over `runtime.ts` and `registry.ts` left
// (survivors and uncovered mutants): what it keeps once (resolved storages, opened built-ins,
// tiers, the reporting timer and exit hook), what it reopens on a new configuration, and what it
// warns. These tests give each case a runtime of its own (not the process-wide one), with a logger
// that collects warnings and a cache directory of its own.

function ownRuntime(options: ConfigureOptions = {}): { rt: Runtime; warnings: string[] } {
  const warnings: string[] = [];
  const rt = new Runtime({
    dir: tempDir('cachet-own-'),
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
  runtimes.push(rt);
  return { rt, warnings };
}

/** A cached function of `rt`, called as compiled code calls it. */
function ownFunction<A extends unknown[], R>(rt: Runtime, id: string, storage: string, impl: (...args: A) => R) {
  const cf = new CachedFunction({ id, storage }, impl as never, rt);
  return (...args: A): R => cf.invoke(undefined, args) as R;
}

/** A registered store that counts what the runtime does with it. */
interface Probe extends Store {
  attached: number;
  subscribed: number;
  closed: number;
  cleared: number;
  /** Each `recordStats` call's samples (only with `stats`). */
  readonly samples: StatsSample[][];
  /** The key texts written, in order. */
  readonly written: string[];
  listener: InvalidationListener | undefined;
}

function probeStore(
  name: string,
  options: { stats?: boolean; failClose?: boolean; failAttach?: boolean; keeps?: boolean } = {},
): Probe {
  const inner = createMemoryStore({ name });
  const keeps = options.keeps ?? true;
  const probe: Probe = {
    name,
    sync: true,
    persistent: false,
    attached: 0,
    subscribed: 0,
    closed: 0,
    cleared: 0,
    samples: [],
    written: [],
    listener: undefined,
    get: (key) => (keeps ? inner.get(key) : undefined),
    set: (key, entry) => {
      probe.written.push(key.text);
      if (keeps) inner.set(key, entry);
    },
    delete: (key) => inner.delete(key),
    clear: (fn) => {
      probe.cleared++;
      return inner.clear(fn);
    },
    close: () => {
      probe.closed++;
      if (options.failClose) throw new Error(`${name} cannot close`);
    },
    attach: () => {
      probe.attached++;
      if (options.failAttach) throw new Error(`${name} has no clock`);
    },
    subscribe: (listener) => {
      probe.subscribed++;
      probe.listener = listener;
    },
    ...(options.stats
      ? { recordStats: (samples: readonly StatsSample[]) => void probe.samples.push([...samples]) }
      : {}),
  };
  return probe;
}

type Factory = (settings: StoreSettings) => Store;
const builtins = platform().builtinStores as Record<string, Factory>;

describe('withThis', () => {
  it('refuses a method that is not cached', () => {
    expect(() => withThis({}, () => 1)).toThrow('withThis: not a cached method');
  });
});

describe('a disabled runtime', () => {
  it('keeps nothing in memory, and peek, invalidate and clear of a function still answer', async () => {
    const { rt } = ownRuntime({ stores: { kept: ['memory', probeStore('disabled-probe')] } });
    let runs = 0;
    const cf = new CachedFunction({ id: 'disabled-f', storage: 'kept' }, (n: number) => n + runs++ * 0, rt);
    cf.invoke(undefined, [1]);
    expect(cf.peek(undefined, [1])).toBe(1);
    rt.configure({ disabled: true });
    expect(cf.peek(undefined, [1])).toBeUndefined(); // the memory entry went with the settings
    await cf.invalidate(undefined, [1]);
    await cf.clear();
    cf.invoke(undefined, [1]);
    cf.invoke(undefined, [1]);
    expect(runs).toBe(3);
  });
});

describe('the first scope', () => {
  it('takes functions off their scope-free hot path once, so a scope set after a hit is obeyed', () => {
    const { rt } = ownRuntime();
    let runs = 0;
    const cf = new CachedFunction({ id: 'first-scope', storage: 'memory' }, (n: number) => n + runs++ * 0, rt);
    cf.invoke(undefined, [1]);
    cf.invoke(undefined, [1]); // a hit on the hot path
    expect(rt.scopesActive).toBe(false);
    const before = rt.generation;
    rt.scopes.run({ context: undefined, options: { read: false } }, () => cf.invoke(undefined, [1]));
    expect(runs).toBe(2); // read: false recomputes, though the hit path never looks for a scope
    expect(rt.scopesActive).toBe(true);
    rt.scopes.run({ context: undefined, options: { read: false } }, () => cf.invoke(undefined, [1]));
    expect(runs).toBe(3);
    expect(rt.generation).toBe(before + 1); // only the first scope changes the settings
  });
});

describe('listening', () => {
  it('is true only with an onEvent handler', () => {
    expect(ownRuntime().rt.listening).toBe(false);
    expect(ownRuntime({ onEvent: () => undefined }).rt.listening).toBe(true);
  });
});

describe('what the runtime resolves and opens once', () => {
  it('resolves a storage name once per configuration', () => {
    const { rt } = ownRuntime({ stores: { once: ['memory', probeStore('once-probe')] } });
    const first = rt.storage('once');
    expect(rt.storage('once')).toBe(first);
    rt.configure({});
    expect(rt.storage('once')).not.toBe(first);
    expect(rt.storage('once').tiers).toEqual(first.tiers); // the same tiers, resolved anew
  });

  it('attaches and subscribes to a store once, however often it is resolved', () => {
    const probe = probeStore('attach-probe');
    const { rt } = ownRuntime({ stores: { a: [probe], b: ['memory', probe] } });
    rt.storage('a');
    rt.storage('b');
    rt.configure({});
    rt.storage('a');
    rt.allTiers(false);
    expect([probe.attached, probe.subscribed]).toEqual([1, 1]);
  });

  it('opens a built-in store once, and again only for a new dir or new SQLite options', async () => {
    const original = builtins.sqlite as Factory;
    const opened: { settings: StoreSettings; closed: number }[] = [];
    const spy = vi.spyOn(builtins, 'sqlite').mockImplementation((settings) => {
      const store = original(settings);
      const one = { settings, closed: 0 };
      opened.push(one);
      const close = store.close.bind(store);
      return Object.assign(store, {
        close: () => {
          one.closed++;
          return close();
        },
      });
    });
    try {
      const { rt, warnings } = ownRuntime();
      let runs = 0;
      const f = ownFunction(rt, 'open-once', 'sqlite', async (n: number) => n + runs++ * 0);
      const g = ownFunction(rt, 'open-once-tiered', 'tiered', async (n: number) => n + runs++ * 0);
      await f(1);
      await g(1);
      rt.configure({ defaults: { ttl: '1h' } });
      await f(2);
      expect(opened.length).toBe(1);
      rt.configure({ sqlite: { busyTimeout: 1234 } });
      await f(3);
      expect(opened.length).toBe(2);
      expect(opened[1]?.settings.sqlite?.busyTimeout).toBe(1234);
      rt.configure({ dir: tempDir('cachet-own-moved-') });
      await f(4);
      expect(opened.length).toBe(3);
      await rt.close();
      expect(opened.map((one) => one.closed)).toEqual([1, 1, 1]); // each closed once, none left open
      expect(warnings).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('warns when a built-in store it reopens fails to close', async () => {
    const original = builtins.sqlite as Factory;
    const spy = vi.spyOn(builtins, 'sqlite').mockImplementation((settings) => {
      const store = original(settings);
      const close = store.close.bind(store);
      return Object.assign(store, {
        close: () => {
          close();
          throw new Error('cannot close');
        },
      });
    });
    try {
      const { rt, warnings } = ownRuntime();
      const f = ownFunction(rt, 'reopen-fails', 'sqlite', async (n: number) => n);
      await f(1);
      rt.configure({ dir: tempDir('cachet-own-moved-') });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(warnings).toEqual(['the sqlite store failed to close']);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('built-in stores that fail to open', () => {
  it('run calls uncached, with a warning once per store', () => {
    const sqlite = vi.spyOn(builtins, 'sqlite').mockImplementation(() => {
      throw new Error('disk gone');
    });
    const fs = vi.spyOn(builtins, 'fs').mockImplementation(() => {
      throw new Error('disk gone');
    });
    try {
      const { rt, warnings } = ownRuntime();
      let runs = 0;
      const f = ownFunction(rt, 'no-sqlite', 'sqlite', (n: number) => n + runs++ * 0);
      f(1);
      f(1);
      expect(runs).toBe(2);
      rt.configure({}); // resolved and opened again: the same failure, not said again
      f(1);
      expect(runs).toBe(3);
      rt.storage('fs');
      expect(warnings).toEqual([
        'could not open the sqlite store; caching without it',
        'could not open the fs store; caching without it',
      ]);
    } finally {
      sqlite.mockRestore();
      fs.mockRestore();
    }
  });

  it('without a SQLite binding: its own message, said once for every built-in', () => {
    const missing = new CachetError('no SQLite binding: install one', { code: 'CACHET_E_NO_SQLITE' });
    const sqlite = vi.spyOn(builtins, 'sqlite').mockImplementation(() => {
      throw missing;
    });
    const fs = vi.spyOn(builtins, 'fs').mockImplementation(() => {
      throw missing;
    });
    try {
      const { rt, warnings } = ownRuntime();
      rt.storage('sqlite');
      rt.storage('fs');
      expect(warnings).toEqual(['no SQLite binding: install one']);
    } finally {
      sqlite.mockRestore();
      fs.mockRestore();
    }
  });

  it('an unknown name is refused, and not warned as a store that failed to open', () => {
    const { rt, warnings } = ownRuntime();
    expect(() => rt.storage('nowhere')).toThrow('unknown storage "nowhere"');
    expect(warnings).toEqual([]);
  });

  it('a loop through a store registered as sqlite is refused, naming the loop', () => {
    const { rt } = ownRuntime({ stores: { sqlite: ['tiered'] } });
    expect(() => rt.storage('tiered')).toThrow('storage "tiered" refers to itself (tiered -> sqlite -> tiered)');
  });
});

describe('stores that fail', () => {
  it('a store failing to start listening is warned once for each store', () => {
    const { rt, warnings } = ownRuntime({
      stores: {
        one: [probeStore('deaf-1', { failAttach: true })],
        two: [probeStore('deaf-2', { failAttach: true })],
      },
    });
    rt.storage('one');
    rt.storage('two');
    expect(warnings).toEqual([
      'tier "deaf-1" failed to start listening; using it without',
      'tier "deaf-2" failed to start listening; using it without',
    ]);
  });

  it('a store failing to close is warned by close()', async () => {
    const { rt, warnings } = ownRuntime({ stores: { stuck: [probeStore('stuck', { failClose: true })] } });
    rt.storage('stuck');
    await rt.close();
    expect(warnings).toEqual(['a store failed to close']);
  });
});

describe('allTiers (for clear() and close())', () => {
  it("reaches the stores of registered storages not used yet, and only stores, not a list's names", async () => {
    const probe = probeStore('later-probe');
    const { rt, warnings } = ownRuntime({ stores: { later: ['memory', probe] } });
    const tiers = rt.allTiers(false);
    expect(tiers.map((tier) => tier.name)).toEqual(['later-probe']);
    await Promise.all(tiers.map((tier) => tier.clear()));
    expect(probe.cleared).toBe(1);
    expect(warnings).toEqual([]);
  });
});

describe('the invalidation bus', () => {
  it("drops one entry, or one function's, or all, from memory as the notice says", () => {
    const bus = probeStore('bus-probe', { keeps: false }); // holds nothing: only memory answers
    const { rt } = ownRuntime({ stores: { bus: ['memory', bus] } });
    let runs = 0;
    const f = ownFunction(rt, 'bus-f', 'bus', (n: number) => n + runs++ * 0);
    const g = ownFunction(rt, 'bus-g', 'bus', (n: number) => n + runs++ * 0);
    f(1);
    f(2);
    g(1);
    expect(runs).toBe(3);
    const notify = bus.listener as InvalidationListener;
    notify({ fn: 'bus-f', text: bus.written[0] as string }); // f(1)
    f(1);
    f(2);
    g(1);
    expect(runs).toBe(4);
    notify({ fn: 'bus-f' });
    f(1);
    f(2);
    g(1);
    expect(runs).toBe(6);
    notify({});
    g(1);
    expect(runs).toBe(7);
  });
});

describe('counters reported to stores that keep them', () => {
  it('every 10 s while the process runs', async () => {
    vi.useFakeTimers();
    try {
      const kept = probeStore('timed-probe', { stats: true });
      const { rt } = ownRuntime({ stores: { kept: [kept] } });
      const f = ownFunction(rt, 'timed', 'kept', (n: number) => n);
      f(1);
      f(1);
      expect(kept.samples).toEqual([]);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(kept.samples.map((samples) => samples.map((s) => [s.fn, s.hits, s.misses]))).toEqual([[['timed', 1, 1]]]);
      f(2);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(kept.samples.length).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('once more at exit, from one exit hook however many stores keep them', async () => {
    const onExit = vi.spyOn(platform(), 'onExit').mockImplementation(() => undefined);
    vi.useFakeTimers();
    try {
      const one = probeStore('exit-1', { stats: true });
      const two = probeStore('exit-2', { stats: true });
      const { rt } = ownRuntime({ stores: { one: [one], two: [two], plain: [probeStore('exit-plain')] } });
      rt.storage('plain');
      expect(onExit).not.toHaveBeenCalled(); // a store that keeps no counters starts no reports
      const f = ownFunction(rt, 'at-exit', 'one', (n: number) => n);
      f(1);
      rt.storage('two');
      expect(onExit).toHaveBeenCalledTimes(1);
      const hook = onExit.mock.calls[0]?.[0] as () => void;
      hook();
      await vi.advanceTimersByTimeAsync(0);
      expect(one.samples.length).toBe(1);
      expect(two.samples.length).toBe(1);
    } finally {
      vi.useRealTimers();
      onExit.mockRestore();
    }
  });

  it('where a timer is a number (browsers), reporting starts without one to unref', () => {
    const onExit = vi.spyOn(platform(), 'onExit').mockImplementation(() => undefined);
    vi.stubGlobal('setInterval', () => 7);
    try {
      const { rt } = ownRuntime({ stores: { kept: [probeStore('browser-probe', { stats: true })] } });
      expect(() => rt.storage('kept')).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
      onExit.mockRestore();
    }
  });

  it('only to those stores, keeping the counts until one is there, and nothing when nothing changed', async () => {
    vi.useFakeTimers();
    try {
      const kept = probeStore('sink-probe', { stats: true });
      const { rt } = ownRuntime({ stores: { plain: [probeStore('sink-plain')], kept: [kept] } });
      const f = ownFunction(rt, 'sink-f', 'plain', (n: number) => n);
      f(1);
      f(1);
      await rt.reportStats(); // no store keeps counters yet: the counts wait
      const g = ownFunction(rt, 'sink-g', 'kept', (n: number) => n);
      g(1);
      await rt.reportStats();
      expect(kept.samples.map((samples) => samples.map((s) => [s.fn, s.hits, s.misses]))).toEqual([
        [
          ['sink-f', 1, 1],
          ['sink-g', 0, 1],
        ],
      ]);
      await rt.reportStats();
      expect(kept.samples.length).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
