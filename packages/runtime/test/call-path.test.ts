import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { createSqliteStore } from '../src/admin.js';
import {
  cached,
  cacheKey,
  configure,
  invalidate,
  peek,
  stats,
  withCacheContext,
  withCacheOptions,
} from '../src/index.js';
import { bind, define, type KeyEncoder, uncacheable } from '../src/internal.js';
import { deferred, manualClock, recordingLogger } from './helpers.js';

const clock = manualClock();
const logger = recordingLogger();
const dir = mkdtempSync(join(tmpdir(), 'cachet-call-path-'));
const disk = createSqliteStore({ dir });
configure({ now: clock.now, logger, defaults: { storage: 'memory' }, stores: { disk: ['memory', disk] } });

afterAll(() => {
  disk.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  logger.messages.length = 0;
});

/** The key of an argument: its `key` property (read through getters) or the value itself. */
function keyOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { key: unknown }).key : value;
}

/**
 * A full compiled-style encoder over `keyOf` of each argument. Arguments whose key is `'no'`
 * are uncacheable (in `part`: hash, equals, snapshot or text); a key `'bad'` throws a TypeError.
 */
function encoder(part: 'hash' | 'equals' | 'snapshot' | 'text' = 'hash'): KeyEncoder {
  const keys = (args: ArrayLike<unknown>, where: typeof part) =>
    Array.from(args, (arg) => {
      const key = keyOf(arg);
      if (key === 'no' && where === part) uncacheable(`argument says no (${part})`);
      if (key === 'bad') throw new TypeError('a broken encoder');
      return key;
    });
  return {
    text: (args) => JSON.stringify(keys(args, 'text')),
    hash: (args) => keys(args, 'hash').length,
    snapshot: (args) => keys(args, 'snapshot'),
    equals: (snapshot, args) => {
      const now = keys(args, 'equals');
      const before = snapshot as unknown[];
      return now.length === before.length && now.every((key, i) => key === before[i]);
    },
  };
}

function counted(id: string, options: { part?: Parameters<typeof encoder>[0]; storage?: string; ttl?: string } = {}) {
  const seen: unknown[][] = [];
  const cf = define(
    { id, encoder: encoder(options.part), storage: options.storage ?? 'memory', ttl: options.ttl },
    (...args: unknown[]) => {
      seen.push(args);
      return args.map((arg) => String(keyOf(arg))).join('+');
    },
  );
  return { cf, seen };
}

type Entry = 'invoke' | 'call1' | 'call2' | 'call3';
const entries: Entry[] = ['invoke', 'call1', 'call2', 'call3'];

/** Calls `cf` through `entry` with `args` padded to the entry's arity. */
function call(cf: ReturnType<typeof define>, entry: Entry, first: unknown, rest: unknown[] = []): unknown {
  const args = entry === 'invoke' ? [first, ...rest] : [first, ...rest, 1, 2].slice(0, Number(entry.slice(4)));
  switch (entry) {
    case 'invoke':
      return cf.invoke(undefined, args);
    case 'call1':
      return cf.call1(undefined, args[0]);
    case 'call2':
      return cf.call2(undefined, args[0], args[1]);
    default:
      return cf.call3(undefined, args[0], args[1], args[2]);
  }
}

describe('arguments an encoder cannot key run the function uncached', () => {
  it.each(entries)('%s, on the hot path and the first (slow) call, warning once per reason', (entry) => {
    const { cf, seen } = counted(`uncacheable-${entry}`);
    expect(call(cf, entry, 'no')).toMatch(/^no/); // first call: the slow path
    expect(call(cf, entry, 'no')).toMatch(/^no/); // the hot path
    expect(call(cf, entry, 'yes')).toMatch(/^yes/);
    expect(call(cf, entry, 'yes')).toMatch(/^yes/);
    expect(seen.map((args) => args[0])).toEqual(['no', 'no', 'yes']);
    expect(cf.stats()).toMatchObject({ hits: 1, misses: 3 });
    const warnings = logger.messages.filter((m) => m.includes('argument says no (hash)'));
    expect(warnings.length).toBeLessThanOrEqual(1); // once per reason in the process
  });

  it('warns once per reason, naming the function', () => {
    const { cf } = counted('warn-once', { part: 'snapshot' });
    cf.call1(undefined, 'no');
    cf.call1(undefined, 'no');
    cf.invoke(undefined, ['no']);
    expect(logger.messages).toEqual(['warn-once runs uncached: argument says no (snapshot)']);
  });

  it.each(['equals', 'snapshot', 'text'] as const)('when %s signals it, in every lookup stage', (part) => {
    const { cf, seen } = counted(`stage-${part}`, { part, storage: 'disk' });
    cf.call1(undefined, 'yes'); // fills memory (and the disk) so equals runs on the next lookups
    for (let i = 0; i < 3; i++) expect(cf.call1(undefined, 'no')).toBe('no');
    expect(seen.filter((args) => args[0] === 'no')).toHaveLength(3);
    disk.flush();
    expect(disk.entries({ fn: `stage-${part}` }).map((e) => e.key)).toEqual([expect.stringContaining('"yes"')]);
  });

  it('an argument the function mutates into something unkeyable still gets its value', () => {
    const cf = define({ id: 'mutated', encoder: encoder('equals') }, (arg: { key: string }) => {
      const before = arg.key;
      arg.key = 'no';
      return before;
    });
    cf.call1(undefined, { key: 'yes' }); // a node to compare with
    expect(cf.call1(undefined, { key: 'yes' })).toBe('yes');
    expect(cf.call1(undefined, { key: 'other' })).toBe('other');
  });

  it('inside scopes (the slow path with a context tier) and with options', async () => {
    const { cf, seen } = counted('scoped');
    await withCacheContext(() => {
      cf.call1(undefined, 'no');
      cf.call1(undefined, 'no');
    });
    withCacheOptions({ write: false }, () => cf.invoke(undefined, ['no']));
    expect(seen).toHaveLength(3);
  });

  it('an async function runs once per call: no herd, nothing stored', async () => {
    const gate = deferred<void>();
    let runs = 0;
    const cf = define({ id: 'async-uncached', encoder: encoder(), async: true }, async (arg: unknown) => {
      runs++;
      await gate.promise;
      return keyOf(arg);
    });
    const a = cf.call1(undefined, 'no') as Promise<unknown>;
    const b = cf.call1(undefined, 'no') as Promise<unknown>;
    expect(cf.inFlight).toBe(0);
    gate.resolve();
    expect(await Promise.all([a, b])).toEqual(['no', 'no']);
    expect(runs).toBe(2);
  });

  it('peek gives undefined and invalidate does nothing', async () => {
    const { cf } = counted('peek-invalidate', { storage: 'disk' });
    const wrapper = (arg: unknown) => cf.call1(undefined, arg);
    bind(wrapper, () => cf);
    wrapper('yes');
    expect(peek(wrapper, 'no')).toBeUndefined();
    await expect(invalidate(wrapper, 'no')).resolves.toBeUndefined();
    expect(peek(wrapper, 'yes')).toBe('yes');
    await invalidate(wrapper, 'yes');
    expect(peek(wrapper, 'yes')).toBeUndefined();
  });

  it.each(entries)('other encoder errors propagate from %s, and the next call works', (entry) => {
    const { cf, seen } = counted(`broken-${entry}`);
    for (let i = 0; i < 2; i++) expect(() => call(cf, entry, 'bad')).toThrow(TypeError);
    expect(seen).toHaveLength(0);
    expect(call(cf, entry, 'ok')).toMatch(/^ok/);
    expect(seen[0]?.[0]).toBe('ok');
  });

  it('other encoder errors propagate from peek', () => {
    const { cf } = counted('broken-peek');
    const error = expectError(() => cf.peek(undefined, ['bad']), {
      code: 'CACHET_E_CONFIG',
      message: /^cannot compute the key of broken-peek for peek/,
    });
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).message).toBe('a broken encoder');
  });
});

describe('re-entrant calls: an argument getter calling the same function', () => {
  it.each(entries)('%s gives each call its own arguments', (entry) => {
    const { cf, seen } = counted(`reentrant-${entry}`);
    let inner: unknown;
    let entered = false;
    const tricky = {
      get key(): string {
        if (!entered) {
          entered = true;
          inner = call(cf, entry, 'inner');
          call(cf, entry, 'inner'); // a hit inside, too
        }
        return 'outer';
      },
    };
    call(cf, entry, 'warm'); // later calls take the hot path
    const outer = call(cf, entry, tricky);
    expect(inner).toMatch(/^inner/);
    expect(outer).toMatch(/^outer/);
    expect(seen.map((args) => args[0])).toEqual(['warm', 'inner', tricky]);
    expect(call(cf, entry, { key: 'outer' })).toBe(outer); // the right value was cached
    expect(call(cf, entry, 'inner')).toBe(inner);
  });
});

describe('ttl on every entry', () => {
  it.each(entries)('%s serves until the ttl passes, then recomputes', (entry) => {
    const { cf, seen } = counted(`ttl-${entry}`, { ttl: '10s' });
    call(cf, entry, 'a');
    clock.advance(9_999);
    call(cf, entry, 'a');
    expect(seen).toHaveLength(1);
    clock.advance(1);
    call(cf, entry, 'a');
    expect(seen).toHaveLength(2);
  });
});

describe('cached(fn) with the reflective encoder', () => {
  it('runs a call with a class instance uncached, one warning per class across functions', () => {
    class Session {
      #token: string;
      constructor(token: string) {
        this.#token = token;
      }
      get token(): string {
        return this.#token;
      }
    }
    let runs = 0;
    const f = cached((s: Session) => `${s.token}#${++runs}`, { id: 'session-f' });
    const g = cached((s: Session) => `${s.token}#${++runs}`, { id: 'session-g' });
    expect(f(new Session('a'))).toBe('a#1');
    expect(f(new Session('b'))).toBe('b#2'); // never the value computed for 'a'
    expect(g(new Session('a'))).toBe('a#3');
    expect(logger.messages).toHaveLength(1);
    expect(logger.messages[0]).toMatch(/Session instances.*\[cacheKey\]\(\)/);
    expect(stats(f)).toMatchObject({ hits: 0, misses: 2 });
  });

  it('keys a [cacheKey]() class by its class and result', () => {
    class Account {
      constructor(
        readonly id: number,
        readonly connection: object,
      ) {}
      [cacheKey](): number {
        return this.id;
      }
    }
    let runs = 0;
    const f = cached((a: Account) => a.id + runs++ * 0, { id: 'account' });
    f(new Account(1, {}));
    f(new Account(1, {}));
    f(new Account(2, {}));
    expect(runs).toBe(2);
  });

  it('keys a callback by identity in memory, runs uncached with a warning for persistent storage', () => {
    const label = (n: number) => `#${n}`;
    let runs = 0;
    const memory = cached((n: number, fmt: (n: number) => string) => fmt(n) + runs++ * 0, { id: 'cb-memory' });
    memory(1, label);
    memory(1, label);
    memory(1, (n) => `#${n}`);
    expect(runs).toBe(2);
    const persistent = cached((n: number, fmt: (n: number) => string) => fmt(n) + runs++ * 0, {
      id: 'cb-disk',
      storage: 'disk',
    });
    persistent(1, label);
    persistent(1, label);
    expect(runs).toBe(4);
    expect(logger.messages).toEqual([expect.stringMatching(/^cb-disk runs uncached: a function cannot/)]);
    disk.flush();
    expect(disk.entries({ fn: 'cb-disk' })).toHaveLength(0);
  });

  it('runs a WeakMap argument uncached instead of throwing', () => {
    let runs = 0;
    const f = cached((_w: WeakMap<object, number>) => runs++, { id: 'weak' });
    f(new WeakMap());
    f(new WeakMap());
    expect(runs).toBe(2);
  });

  it('keys deep and cyclic arguments', () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    let runs = 0;
    const f = cached((_a: unknown, _b: unknown) => runs++, { id: 'deep-cyclic' });
    f(deep, cyclic);
    f(deep, cyclic);
    expect(runs).toBe(1);
  });

  it('lets errors thrown by argument getters propagate without running', () => {
    let runs = 0;
    const f = cached((_o: object) => runs++, { id: 'getter-throws' });
    const bad = {
      get x(): number {
        throw new RangeError('from a getter');
      },
    };
    expect(() => f(bad)).toThrow(RangeError);
    expect(runs).toBe(0);
  });
});
