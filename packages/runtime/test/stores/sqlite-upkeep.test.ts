/**
 * The SQLite store's upkeep and the methods the CLI and the dashboard read it with, as mutation
 * testing found them untested: the access-time touch at minute grain, the sweep of expired rows
 * every 1000 written rows, `recordStats` (at once, in the group commit, once per database file),
 * gc of old counters, and `entries`, `summary`, `value`, `statsTotals`, `statsSeries`, `prune`,
 * `removeOlderVersions` and `functions`, which read without taking the write lock. Real files; a
 * second store or a raw connection on the same file plays the other process.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatsSample } from '../../src/store.js';
import { tryDriver } from '../../src/stores/sqlite/driver/choose.js';
import type { SqliteDatabase } from '../../src/stores/sqlite/driver/driver.js';
import { createSqliteStore, type SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectTo } from './drivers.js';
import { manualClock, nextTick, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const stores: SqliteStore[] = [];
const peers: SqliteDatabase[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const db of peers.splice(0)) db.close();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function open(dir: string, now?: () => number, name = 'sqlite'): SqliteStore {
  const store = createSqliteStore({ dir, name, now, driver: 'better-sqlite3', busyTimeout: 50 });
  stores.push(store);
  return store;
}

function sample(fn: string, at: number, hits: number, misses = 0): StatsSample {
  return { fn, at, hits, misses, staleHits: 0, herdJoins: 0, errors: 0 };
}

describe('the access-time touch', () => {
  it('writes a hit access time once it is a minute old, in the next group commit', async () => {
    const clock = manualClock(10 * MINUTE);
    const dir = tempDir();
    const store = open(dir, clock.now);
    const peer = open(dir, clock.now, 'peer');
    const key = entryKey('touch', 'd1');
    store.set(key, entry('v'));
    store.flush();
    const accessed = (): number | undefined => peer.entries({ fn: 'touch' })[0]?.accessedAt;
    expect(accessed()).toBe(10 * MINUTE);

    clock.advance(MINUTE - 1);
    expect(store.get(key)?.value).toBe('v');
    await nextTick();
    expect(accessed()).toBe(10 * MINUTE); // younger than a minute: no write

    clock.advance(1);
    expect(store.get(key)?.value).toBe('v');
    await nextTick(); // committed by the group commit the hit scheduled, not by a later call
    expect(accessed()).toBe(11 * MINUTE);
  });
});

describe('the sweep of expired rows', () => {
  it('removes up to 100 expired rows each time 1000 rows have been written', () => {
    const clock = manualClock(DAY);
    const store = open(tempDir(), clock.now);
    const expired = (): number => store.summary().find((row) => row.fn === 'old')?.expired ?? 0;
    const gone = { createdAt: 0, expiresAt: 10, staleUntil: 10 };
    for (let i = 0; i < 150; i++) store.set(entryKey('old', `d${i}`), entry(i, 'json', gone));
    store.flush();
    expect(expired()).toBe(150);

    let written = 150;
    const write = (count: number): void => {
      for (let i = 0; i < count; i++) store.set(entryKey('new', `d${written + i}`), entry(i));
      written += count;
      store.flush();
    };
    write(849); // 999 rows written
    expect(expired()).toBe(150);
    write(1); // the 1000th
    expect(expired()).toBe(50);
    write(1); // the count starts again
    expect(expired()).toBe(50);
    write(998);
    expect(expired()).toBe(50);
    write(1);
    expect(expired()).toBe(0);
    expect(store.summary().find((row) => row.fn === 'old')).toBeUndefined();
  });
});

describe('recordStats', () => {
  it('commits at once on a store not open yet, else in the next group commit', async () => {
    const dir = tempDir();
    const store = open(dir);
    const peer = open(dir, undefined, 'peer');
    store.recordStats([sample('f', 5 * MINUTE, 1, 2)]);
    expect(peer.statsTotals()).toMatchObject([{ fn: 'f', hits: 1, misses: 2, first: 5 * MINUTE, last: 5 * MINUTE }]);

    store.recordStats([sample('f', 6 * MINUTE, 3), sample('g', 6 * MINUTE, 4)]);
    expect(peer.statsTotals()).toMatchObject([{ fn: 'f', hits: 1 }]); // not yet: batched
    await nextTick();
    expect(peer.statsTotals()).toMatchObject([
      { fn: 'f', hits: 4, misses: 2, first: 5 * MINUTE, last: 6 * MINUTE },
      { fn: 'g', hits: 4, first: 6 * MINUTE },
    ]);
  });

  it('counts one report once per database file, and nothing once closed', () => {
    const dir = tempDir();
    const sqlite = open(dir);
    const fs = open(dir, undefined, 'fs');
    const report = [sample('f', MINUTE, 1)];
    sqlite.recordStats(report);
    fs.recordStats(report); // the same report reaching the other store on this file
    fs.recordStats([sample('f', MINUTE, 1)]); // another report
    sqlite.flush();
    fs.flush();
    expect(sqlite.statsTotals()).toMatchObject([{ fn: 'f', hits: 2 }]);

    fs.close();
    expect(() => fs.recordStats([sample('f', MINUTE, 5)])).not.toThrow();
    expect(sqlite.statsTotals()).toMatchObject([{ fn: 'f', hits: 2 }]);
  });

  it('totals and series from a given minute; gc drops counters older than a week', () => {
    const clock = manualClock(30 * DAY);
    const store = open(tempDir(), clock.now);
    store.recordStats([
      sample('f', 30 * DAY - 8 * DAY, 1),
      sample('f', 30 * DAY - 2 * MINUTE, 2),
      sample('f', 30 * DAY - MINUTE, 4),
    ]);
    expect(store.statsTotals()).toMatchObject([{ fn: 'f', hits: 7 }]);
    expect(store.statsTotals(30 * DAY - 2 * MINUTE)).toMatchObject([
      { fn: 'f', hits: 6, first: 30 * DAY - 2 * MINUTE },
    ]);
    expect(store.statsSeries(30 * DAY - 2 * MINUTE, MINUTE).map((p) => [p.at, p.hits])).toEqual([
      [30 * DAY - 2 * MINUTE, 2],
      [30 * DAY - MINUTE, 4],
    ]);
    store.gc();
    expect(store.statsTotals()).toMatchObject([{ fn: 'f', hits: 6, first: 30 * DAY - 2 * MINUTE }]);
  });
});

describe('recordStats at exit (child processes)', () => {
  const fixture = fileURLToPath(new URL('../fixtures/exit-stats.ts', import.meta.url));

  for (const order of ['early', 'late'] as const) {
    it(`commits a report made in an exit listener added ${order === 'early' ? 'before' : 'after'} the store's`, () => {
      const dir = tempDir();
      const store = open(dir);
      store.recordStats([sample(`exit-${order}`, MINUTE, 1)]); // this process's own report
      // Under mutation testing the child runs the mutant this process runs.
      const active = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__?.activeMutant;
      const child = spawnSync(process.execPath, ['--import', 'tsx', fixture, dir, order], {
        encoding: 'utf8',
        env: { ...process.env, ...(active === undefined ? {} : { __STRYKER_ACTIVE_MUTANT__: active }) },
      });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      expect(store.statsTotals()).toMatchObject([{ fn: `exit-${order}`, hits: 4, misses: 1 }]);
    });
  }
});

describe('what the CLI and the dashboard read', () => {
  it('lists, summarises, reads and prunes entries', () => {
    const clock = manualClock(DAY);
    const store = open(tempDir(), clock.now);
    store.set(
      entryKey('f', 'd1'),
      entry({ a: 1 }, 'json', { createdAt: DAY, expiresAt: DAY + MINUTE, staleUntil: DAY + MINUTE }),
    );
    clock.advance(MINUTE);
    store.set(entryKey('f', 'd2', '2'), entry('two', 'json', { createdAt: DAY + MINUTE }));
    store.set(entryKey('g', 'd1'), entry(3, 'json', { createdAt: DAY + MINUTE - 1 }));
    store.flush();

    const listed = store.entries();
    expect(listed.map((e) => [e.fn, e.args])).toEqual([
      ['f', 'd2'], // most recently used first, then newest
      ['g', 'd1'],
      ['f', 'd1'],
    ]);
    const first = listed.find((e) => e.args === 'd1' && e.fn === 'f');
    expect(store.value(first?.hash ?? '')).toEqual({ value: { a: 1 } });
    expect(store.value('0000000000000000')).toBeUndefined();

    clock.advance(MINUTE); // the first entry's ttl is over
    expect(store.summary()).toMatchObject([
      { fn: 'f', entries: 2, versions: ['1', '2'], expired: 1, lastAccess: DAY + MINUTE },
      { fn: 'g', entries: 1, versions: ['1'], expired: 0 },
    ]);
    expect(store.functions().map((f) => f.fn)).toEqual(['f', 'g']);

    expect(store.removeOlderVersions()).toBe(1); // f's version 1: its newest entry is version 2
    expect(store.prune({ before: DAY + MINUTE - 1, by: 'created' })).toBe(0);
    expect(store.prune({ before: DAY + MINUTE + 1, by: 'created', fn: 'g' })).toBe(1);
    expect(store.entries().map((e) => [e.fn, e.args])).toEqual([['f', 'd2']]);
  });

  it('reads while another connection holds the write lock', () => {
    const dir = tempDir();
    const store = open(dir);
    store.set(entryKey('f', 'd1'), entry(1));
    store.recordStats([sample('f', MINUTE, 1)]);
    store.flush();
    const hash = store.entries()[0]?.hash ?? '';

    const driver = tryDriver('better-sqlite3');
    if (!('driver' in driver)) throw new Error('better-sqlite3 does not load');
    const writer = connectTo(driver.driver, join(dir, 'cache.db'));
    peers.push(writer);
    writer.exec('BEGIN IMMEDIATE');
    try {
      expect(store.entries()).toHaveLength(1);
      expect(store.summary()).toMatchObject([{ fn: 'f', entries: 1 }]);
      expect(store.value(hash)).toEqual({ value: 1 });
      expect(store.statsTotals()).toMatchObject([{ fn: 'f', hits: 1 }]);
      expect(store.statsSeries(0, MINUTE)).toMatchObject([{ fn: 'f', hits: 1 }]);
      expect(store.functions()).toMatchObject([{ fn: 'f' }]);
    } finally {
      writer.exec('ROLLBACK');
    }
  });

  it('lets another connection write between the batches of prune, version removal and gc', () => {
    const clock = manualClock(DAY);
    const dir = tempDir();
    const store = open(dir, clock.now);
    for (let i = 0; i < 3; i++) {
      store.set(entryKey('f', `d${i}`), entry(i, 'json', { createdAt: 0, expiresAt: 10, staleUntil: 10 }));
    }
    store.set(entryKey('g', 'd0', '0'), entry(0, 'json', { createdAt: 0 }));
    store.set(entryKey('g', 'd1', '1'), entry(1, 'json', { createdAt: 0 }));
    clock.advance(MINUTE); // version 2 of g is the one used last
    store.set(entryKey('g', 'd2', '2'), entry(2, 'json', { createdAt: 0 }));
    store.set(entryKey('h', 'd1'), entry(1, 'json', { createdAt: 0 }));
    store.flush();

    const driver = tryDriver('better-sqlite3');
    if (!('driver' in driver)) throw new Error('better-sqlite3 does not load');
    const writer = connectTo(driver.driver, join(dir, 'cache.db'));
    peers.push(writer);
    writer.exec('PRAGMA busy_timeout = 0');
    const tries: string[] = [];
    const tryWrite = (): void => {
      try {
        writer.exec('BEGIN IMMEDIATE');
        writer.exec('ROLLBACK');
        tries.push('wrote');
      } catch (error) {
        tries.push(String(error));
      }
    };
    expect(store.gc(tryWrite)).toBe(3);
    expect(store.removeOlderVersions(tryWrite)).toBe(2);
    expect(store.prune({ before: 1, by: 'created' }, tryWrite)).toBe(2);
    expect(tries.length).toBeGreaterThanOrEqual(6);
    expect(new Set(tries)).toEqual(new Set(['wrote']));
  });
});
