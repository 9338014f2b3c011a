import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import type { CacheEvent, KeyEncoder } from '../src/index.js';
import {
  CachetConfigError,
  CachetError,
  CachetKeyError,
  CachetStoreError,
  cached,
  close,
  configure,
  createMemoryStore,
  parseDuration,
  stats,
} from '../src/index.js';
import { define } from '../src/internal.js';
import { recordingLogger } from './helpers.js';

const logger = recordingLogger();
configure({ logger, defaults: { storage: 'memory' } });

describe('configure', () => {
  it('applies to functions already called (new defaults after the first call)', async () => {
    const shelf = createMemoryStore({ name: 'late-shelf' });
    let runs = 0;
    const f = cached(async (n: number) => n + runs++ * 0, { id: 'late-config' });
    await f(1);
    configure({ stores: { late: ['memory', shelf] }, defaults: { storage: 'late' } });
    await f(2);
    expect(shelf.clear()).toBe(1);
    configure({ defaults: { storage: 'memory' } });
  });

  it('turns caching off with disabled: true', () => {
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'disabled' });
    configure({ disabled: true });
    f(1);
    f(1);
    configure({ disabled: false });
    f(1);
    f(1);
    expect(runs).toBe(3);
  });

  it('reports events to onEvent', async () => {
    const events: CacheEvent[] = [];
    configure({ onEvent: (event) => events.push(event) });
    const f = cached(async (n: number) => n, { id: 'events' });
    await Promise.all([f(1), f(1)]);
    await f(1);
    configure({ onEvent: () => undefined });
    expect(events.map((e) => e.type)).toEqual(['miss', 'herd-join']);
  });

  it('validates its options', () => {
    expect(() => configure({ memory: { maxEntries: 0 } })).toThrow(CachetConfigError);
    expectError(() => configure({ backoff: 'soon' }), { code: 'CACHET_E_BAD_DURATION', message: /not a duration/ });
  });
});

describe('parseDuration', () => {
  it('reads every unit and forever', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('12h')).toBe(43_200_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('forever')).toBe(Number.POSITIVE_INFINITY);
    expect(() => parseDuration('0s')).toThrow(CachetConfigError);
    expectError(() => parseDuration('10 m'), { code: 'CACHET_E_CONFIG', message: /not a duration/ });
  });
});

describe('errors', () => {
  it('carry stable codes and causes', () => {
    const cause = new Error('disk');
    expect(new CachetStoreError('x', { cause }).cause).toBe(cause);
    expect(new CachetStoreError('x').code).toBe('CACHET_E_STORE');
    expect(new CachetKeyError('x').code).toBe('CACHET_E_UNKEYABLE');
    expect(new CachetConfigError('x').code).toBe('CACHET_E_CONFIG');
    expect(new CachetConfigError('x')).toBeInstanceOf(CachetError);
    expect(CachetKeyError.code).toBe('CACHET_E_UNKEYABLE');
  });
});

describe('verify mode', () => {
  it('reports a compiled key that disagrees with the reflective key', () => {
    configure({ verify: true });
    // A deliberately wrong encoder: it keys only by `id`, so two different users share a key.
    const byIdOnly: KeyEncoder = { text: (args) => `d${(args[0] as { id: number }).id}` };
    const cf = define({ id: 'verify-me', encoder: byIdOnly }, (user: { id: number; name: string }) => user.name);
    cf.invoke(undefined, [{ id: 1, name: 'a' }]);
    cf.invoke(undefined, [{ id: 1, name: 'b' }]);
    configure({ verify: false });
    expect(logger.messages.some((m) => m.includes('verify: verify-me'))).toBe(true);
  });
});

describe('close', () => {
  it('closes stores and lets caching go on afterwards', async () => {
    let closed = 0;
    const inner = createMemoryStore({ name: 'closing' });
    configure({
      stores: {
        closing: [
          {
            ...inner,
            name: 'closing',
            get: inner.get.bind(inner),
            set: inner.set.bind(inner),
            delete: inner.delete.bind(inner),
            clear: inner.clear.bind(inner),
            close: () => void closed++,
          },
        ],
      },
    });
    const f = cached(async (n: number) => n, { id: 'close', storage: 'closing' });
    await f(1);
    await close();
    expect(closed).toBe(1);
    expect(await f(2)).toBe(2);
    expect(stats(f).misses).toBe(2);
  });
});
