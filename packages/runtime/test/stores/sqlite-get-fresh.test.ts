/**
 * The SQLite store's `getFresh` on committed rows (the conformance kit reaches only rows still in
 * the write batch), and the runtime reading through it: a function whose only tier is SQLite and
 * that has no memory tier (`storage=sqlite`) serves a fresh row and recomputes an expired one.
 * Real database files, on every SQLite binding this Node loads; the clock is injected.
 */
import { existsSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cached, close, configure, createMemoryStore, stats } from '../../src/index.js';
import { NOT_FOUND } from '../../src/store.js';
import { createSqliteStore, type SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectTo, describeDrivers } from './drivers.js';
import { manualClock, recordingLogger, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const TOUCH_EVERY = 60_000;

describeDrivers('getFresh on committed rows', (driver) => {
  const stores: SqliteStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  function open(options: Omit<Parameters<typeof createSqliteStore>[0], 'driver'>): SqliteStore {
    const store = createSqliteStore({ driver: driver.name, ...options });
    stores.push(store);
    return store;
  }

  it('answers a row fresh before its expiry, NOT_FOUND from its expiry on, and a forever row always', () => {
    const store = open({ dir: tempDir() });
    const [soon, forever] = [entryKey('f', 'soon'), entryKey('f', 'forever')];
    store.set(soon, entry({ v: 'soon' }, 'json', { createdAt: 0, expiresAt: 5_000, staleUntil: 9_000 }));
    store.set(forever, entry({ v: 'forever' }));
    store.flush();
    expect(store.getFresh(soon, 4_999)).toEqual({ v: 'soon' });
    expect(store.getFresh(soon, 5_000)).toBe(NOT_FOUND); // inside the stale window: get's to give
    expect(store.get(soon)?.value).toEqual({ v: 'soon' });
    expect(store.getFresh(forever, Number.MAX_SAFE_INTEGER)).toEqual({ v: 'forever' });
  });

  it('never answers a row whose key text differs, even at the same hash', () => {
    const store = open({ dir: tempDir() });
    const key = entryKey('f', 'mine');
    store.set(key, entry('mine'));
    store.flush();
    expect(store.getFresh({ ...key, text: `${key.text}!` }, 0)).toBe(NOT_FOUND);
    expect(store.getFresh(key, 0)).toBe('mine');
  });

  it('reads a value from its blob file, in either codec', () => {
    const store = open({ dir: tempDir(), inlineLimit: 0 });
    const [json, v8] = [entryKey('f', 'json'), entryKey('f', 'v8')];
    store.set(json, entry({ big: 'x'.repeat(100) }));
    store.set(v8, entry(new Map([['at', new Date(7)]]), 'v8'));
    store.flush();
    expect(store.entries({ fn: 'f' }).every((info) => info.blob !== null)).toBe(true);
    expect(store.getFresh(json, 0)).toEqual({ big: 'x'.repeat(100) });
    expect(store.getFresh(v8, 0)).toEqual(new Map([['at', new Date(7)]]));
  });

  it('drops a row whose codec this runtime does not know, with one warning', () => {
    const dir = tempDir();
    const logger = recordingLogger();
    const store = open({ dir, warn: logger.warn });
    const key = entryKey('f', 'future');
    store.set(key, entry('written by a later version'));
    store.flush();
    const other = connectTo(driver, `${dir}/cache.db`);
    try {
      other.prepare('UPDATE entries SET codec = ?').run('cbor');
    } finally {
      other.close();
    }
    expect(store.getFresh(key, 0)).toBe(NOT_FOUND);
    expect(logger.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^an entry of f failed to decode/)]);
    expect(store.entries({ fn: 'f' })).toEqual([]);
  });

  it('records a hit’s access time once its stored one is a minute old, as get does', () => {
    const clock = manualClock(1_000_000);
    const store = open({ dir: tempDir(), now: clock.now });
    const key = entryKey('f', 'touched');
    store.set(key, entry('v', 'json', { createdAt: clock.now() }));
    store.flush();
    const accessed = (): number | undefined => store.entries({ fn: 'f' })[0]?.accessedAt;
    expect(accessed()).toBe(1_000_000);
    clock.advance(TOUCH_EVERY - 1);
    expect(store.getFresh(key, clock.now())).toBe('v');
    store.flush();
    expect(accessed()).toBe(1_000_000); // too soon: a hit writes nothing
    clock.advance(1);
    expect(store.getFresh(key, clock.now())).toBe('v');
    store.flush();
    expect(accessed()).toBe(1_000_000 + TOUCH_EVERY);
  });
});

describeDrivers('the write-ahead log at open', (driver) => {
  // While the log holds no frame, SQLite reads the database file's size with a system call at the
  // start of every read: a store leaves a frame there when it opens the file.
  const stores: SqliteStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  const logBytes = (dir: string): number =>
    existsSync(`${dir}/cache.db-wal`) ? statSync(`${dir}/cache.db-wal`).size : 0;

  it('holds a frame once a store opened a file every connection had closed', () => {
    const dir = tempDir();
    const first = createSqliteStore({ driver: driver.name, dir });
    first.set(entryKey('f', 'a'), entry('a'));
    first.close(); // the last connection: checkpoints and removes the log
    expect(logBytes(dir)).toBe(0);
    const second = createSqliteStore({ driver: driver.name, dir });
    stores.push(second);
    expect(second.getFresh(entryKey('f', 'a'), 0)).toBe('a');
    expect(logBytes(dir)).toBeGreaterThan(32); // the log's header is 32 bytes; a frame follows it
  });

  it('opens, and reads, while another process holds the write lock past the busy timeout', () => {
    const dir = tempDir();
    const first = createSqliteStore({ driver: driver.name, dir });
    first.set(entryKey('f', 'a'), entry('a'));
    first.close();
    const other = connectTo(driver, `${dir}/cache.db`);
    try {
      other.exec('BEGIN IMMEDIATE');
      const second = createSqliteStore({ driver: driver.name, dir, busyTimeout: 20 });
      stores.push(second);
      expect(second.getFresh(entryKey('f', 'a'), 0)).toBe('a');
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
  });
});

describe('a storage=sqlite function reads through getFresh', () => {
  const clock = manualClock();
  beforeEach(() => {
    configure({ now: clock.now, dir: tempDir(), logger: recordingLogger() });
  });
  afterEach(async () => {
    await close();
  });

  it('serves a fresh row, recomputes an expired one, and counts each as a hit or a miss of its tier', async () => {
    let runs = 0;
    const f = cached(
      (n: number) => {
        runs++;
        return { n, run: runs };
      },
      { id: 'get-fresh-ttl', storage: 'sqlite', ttl: '10s' },
    );
    expect(f(1)).toEqual({ n: 1, run: 1 });
    await close(); // committed: the next reads come from the file, not the write batch
    clock.advance(9_999);
    expect(f(1)).toEqual({ n: 1, run: 1 });
    clock.advance(1);
    expect(f(1)).toEqual({ n: 1, run: 2 });
    expect(f(2)).toEqual({ n: 2, run: 3 });
    const sqlite = stats(f).tiers.sqlite;
    expect([sqlite?.hits, sqlite?.misses]).toEqual([1, 3]);
  });

  it('still fills the tiers above a SQLite hit, and the memory tier in front of it', async () => {
    // getFresh hands back no times: only a read with nothing to fill may use it.
    const dir = tempDir();
    const upper = createMemoryStore({ name: 'above-sqlite' });
    const lower = createSqliteStore({ driver: 'auto', dir: tempDir() });
    let runs = 0;
    const make = (storage: string) => cached((n: number) => ({ n, run: ++runs }), { id: `fill-${storage}`, storage });
    configure({ dir, stores: { stacked: [upper, lower] } });
    expect(make('stacked')(1)).toEqual({ n: 1, run: 1 });
    lower.flush();
    upper.clear();
    const second = make('stacked');
    expect(second(1)).toEqual({ n: 1, run: 1 }); // from SQLite, written back above
    expect(stats(second).tiers).toMatchObject({ sqlite: { hits: 1 }, 'above-sqlite': { misses: 1, writes: 1 } });
    expect(second(1)).toEqual({ n: 1, run: 1 });
    expect(stats(second).tiers['above-sqlite']).toMatchObject({ hits: 1 });

    expect(make('tiered')(2)).toEqual({ n: 2, run: 2 });
    await close(); // committed; the next instance starts with an empty memory tier
    const tiered = make('tiered');
    expect(tiered(2)).toEqual({ n: 2, run: 2 }); // a SQLite hit...
    expect(tiered(2)).toEqual({ n: 2, run: 2 }); // ...that put it in the memory tier
    expect(runs).toBe(2);
    expect([stats(tiered).tiers.sqlite?.hits, stats(tiered).tiers.memory?.hits]).toEqual([1, 1]);
  });
});
