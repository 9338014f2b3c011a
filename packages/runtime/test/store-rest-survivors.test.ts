/**
 * Tests for the survivors of the scoped mutation runs on the last store and expiry files no run had
 * scored (issue 13, docs/testing.md "The last store and expiry files"): the duration parser behind
 * every ttl and swr, the memory store behind `storage=memory` stores and the conformance kit, and
 * the SQLite store's superseded versions and per-minute counters.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { entry, entryKey } from '../src/conformance/fixtures.js';
import { parseDuration } from '../src/duration.js';
import type { StatsSample } from '../src/store.js';
import { createMemoryStore } from '../src/stores/memory-store.js';
import type { SqliteDriver } from '../src/stores/sqlite/driver/driver.js';
import type { Progress } from '../src/stores/sqlite/inspect.js';
import { createSqliteStore, type SqliteStore } from '../src/stores/sqlite/sqlite-store.js';
import { describeDrivers } from './stores/drivers.js';
import { useTempDirs } from './stores/helpers.js';

const MINUTE = 60_000;
const tempDir = useTempDirs();
const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

describe('parseDuration with a number of milliseconds', () => {
  it('takes a positive number as it is, Infinity as forever', () => {
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration(0.5)).toBe(0.5);
    expect(parseDuration(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses zero, a negative number and NaN, naming the option and the value', () => {
    // A ttl of 0 or less would store entries already expired; NaN would never expire nor compare.
    expectError(() => parseDuration(0, 'ttl'), {
      code: 'CACHET_E_CONFIG',
      message: 'ttl must be a positive number of milliseconds, got 0',
    });
    expectError(() => parseDuration(-5, 'swr'), {
      code: 'CACHET_E_CONFIG',
      message: 'swr must be a positive number of milliseconds, got -5',
    });
    expectError(() => parseDuration(Number.NaN), {
      code: 'CACHET_E_CONFIG',
      message: 'duration must be a positive number of milliseconds, got NaN',
    });
  });
});

describe('parseDuration with a text', () => {
  it('reads the text without the spaces around it', () => {
    expect(parseDuration(' 1h30m ')).toBe(5_400_000);
    expect(parseDuration('\t250ms\n')).toBe(250);
  });

  it('calls the value a duration when no option is named, and quotes the text as given', () => {
    expectError(() => parseDuration(' 5 minutes'), {
      code: 'CACHET_E_CONFIG',
      message: /^duration " 5 minutes" is not a duration: /,
    });
  });
});

describe('memory store', () => {
  it('is named memory-store unless named, synchronous and not persistent', () => {
    const store = createMemoryStore();
    expect(store.name).toBe('memory-store');
    expect(store.sync).toBe(true);
    expect(store.persistent).toBe(false);
    expect(createMemoryStore({ name: 'near' }).name).toBe('near');
  });

  it('answers false to a delete of a function it never held', () => {
    const store = createMemoryStore();
    expect(store.delete(entryKey('never', '[1]'))).toBe(false);
    store.set(entryKey('f', '[1]'), entry('one'));
    expect(store.delete(entryKey('g', '[1]'))).toBe(false);
    expect(store.get(entryKey('f', '[1]'))?.value).toBe('one');
  });

  it('replaces an entry written again: a delete then leaves nothing, not the older value', () => {
    const store = createMemoryStore();
    const key = entryKey('f', '[1]');
    store.set(key, entry('old'));
    store.set(key, entry('new'));
    expect(store.get(key)?.value).toBe('new');
    expect(store.functions?.()).toEqual([{ fn: 'f', entries: 1, bytes: 0 }]);
    expect(store.delete(key)).toBe(true);
    expect(store.get(key)).toBeUndefined();
    expect(store.delete(key)).toBe(false);
    expect(store.clear()).toBe(0);
  });

  it('counts an entry written again once against maxEntries', () => {
    const store = createMemoryStore({ maxEntries: 2 });
    const a = entryKey('f', '[1]');
    const b = entryKey('f', '[2]');
    store.set(a, entry('a1'));
    store.set(b, entry('b'));
    store.set(a, entry('a2'));
    store.set(a, entry('a3'));
    expect(store.get(a)?.value).toBe('a3');
    expect(store.get(b)?.value).toBe('b');
  });

  it('keeps at most maxEntries, evicting the least recently read', () => {
    const store = createMemoryStore({ maxEntries: 2 });
    const [a, b, c] = ['[1]', '[2]', '[3]'].map((args) => entryKey('f', args)) as [
      ReturnType<typeof entryKey>,
      ReturnType<typeof entryKey>,
      ReturnType<typeof entryKey>,
    ];
    store.set(a, entry('a'));
    store.set(b, entry('b'));
    expect(store.get(a)?.value).toBe('a'); // read: a is now more recent than b
    store.set(c, entry('c'));
    expect(store.get(a)?.value).toBe('a');
    expect(store.get(b)).toBeUndefined();
    expect(store.get(c)?.value).toBe('c');
  });

  it('keeps at most 100 000 entries by default', () => {
    const store = createMemoryStore();
    for (let i = 0; i <= 100_000; i++) store.set(entryKey('f', `[${i}]`), entry(i));
    expect(store.functions?.()).toEqual([{ fn: 'f', entries: 100_000, bytes: 0 }]);
    expect(store.get(entryKey('f', '[0]'))).toBeUndefined();
    expect(store.get(entryKey('f', '[100000]'))?.value).toBe(100_000);
  });

  it('keeps at most maxBytes, and 256 MiB by default', () => {
    const small = createMemoryStore({ maxBytes: 10_000 });
    small.set(entryKey('f', '[1]'), entry('x'.repeat(3000)));
    small.set(entryKey('f', '[2]'), entry('y'.repeat(3000)));
    expect(small.get(entryKey('f', '[1]'))).toBeUndefined();
    expect(small.get(entryKey('f', '[2]'))?.value).toHaveLength(3000);

    // One string of 70 million characters held twice: counted as more than 128 MiB each (two
    // bytes a character), though it is in memory once.
    const big = 'z'.repeat(70_000_000);
    const store = createMemoryStore();
    store.set(entryKey('f', '[1]'), entry(big));
    store.set(entryKey('f', '[2]'), entry(big));
    // (Lengths compared, not the values: a failure would print 70 million characters.)
    expect(store.functions?.()).toEqual([{ fn: 'f', entries: 1, bytes: 0 }]);
    expect(store.get(entryKey('f', '[1]'))).toBeUndefined();
    expect((store.get(entryKey('f', '[2]'))?.value as string | undefined)?.length).toBe(big.length);
  });

  it('holds nothing once closed', () => {
    const store = createMemoryStore();
    store.set(entryKey('f', '[1]'), entry('one'));
    store.set(entryKey('g', '[1]'), entry('two'));
    store.close();
    expect(store.functions?.()?.map((info) => info.entries)).toEqual([0, 0]);
    expect(store.get(entryKey('f', '[1]'))).toBeUndefined();
  });
});

describeDrivers('superseded versions and counters', (driver: SqliteDriver) => {
  function open(dir: string, now: () => number, inlineLimit = 1000): SqliteStore {
    const store = createSqliteStore({ dir, driver: driver.name, now, inlineLimit, busyTimeout: 2000 });
    stores.push(store);
    return store;
  }

  function blobFiles(dir: string): string[] {
    if (!existsSync(join(dir, 'blobs'))) return [];
    return readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true })
      .filter((file) => file.isFile())
      .map((file) => file.name);
  }

  it('removes every superseded version with its blob files, reporting a total across functions', () => {
    const clock = { now: MINUTE };
    const dir = tempDir();
    const store = open(dir, () => clock.now, 50);
    store.set(entryKey('f', '1', '1'), entry(1));
    store.set(entryKey('f', '2', '1'), entry('x'.repeat(100))); // a blob file
    store.set(entryKey('f', '3', '1'), entry(3));
    store.set(entryKey('g', '1', '1'), entry('y'.repeat(100))); // a blob file
    store.set(entryKey('g', '2', '1'), entry(2));
    store.flush();
    expect(blobFiles(dir)).toHaveLength(2);
    clock.now = 5 * MINUTE;
    store.set(entryKey('f', '1', '2'), entry('f at 2'));
    store.set(entryKey('g', '1', '2'), entry('g at 2'));
    store.flush();

    const heard: Progress[] = [];
    expect(store.removeOlderVersions((progress) => heard.push(progress))).toBe(5);
    expect(heard).toEqual([
      { phase: 'versions', done: 0, total: 5 },
      { phase: 'versions', done: 3, total: 5 },
      { phase: 'versions', done: 5, total: 5 },
    ]);
    expect(blobFiles(dir)).toEqual([]);
    expect(store.entries().map((e) => [e.fn, e.version])).toEqual([
      ['f', '2'],
      ['g', '2'],
    ]);
    expect(store.get(entryKey('f', '1', '2'))?.value).toBe('f at 2');
  });

  it('counts a report once per file, but every time in a private in-memory database', () => {
    const sample: StatsSample = { fn: 'f', at: MINUTE, hits: 1, misses: 0, staleHits: 0, herdJoins: 0, errors: 0 };
    const report = [sample];
    const first = open(':memory:', () => MINUTE);
    const second = open(':memory:', () => MINUTE);
    first.recordStats(report);
    second.recordStats(report); // the same report: another database all the same
    first.flush();
    second.flush();
    expect(first.statsTotals()).toMatchObject([{ fn: 'f', hits: 1 }]);
    expect(second.statsTotals()).toMatchObject([{ fn: 'f', hits: 1 }]);
  });
});
