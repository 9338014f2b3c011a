/**
 * What mutation testing left untested in the SQLite store's background work and fault paths: the
 * periodic gc (driven here by fake interval timers, so no test waits an hour or sleeps), following
 * a file another process moved aside, a fault of background work raised once by the next call (or
 * by close()), a write refused once closed, gc's removal of expired leases and week-old counters
 * and its progress reports, a blob file gone (a miss, warned) or unreadable (a fault, thrown), and
 * what the read methods answer when the database turns out corrupt while open. Real files; a raw connection on the same file plays the other process. Only the
 * public methods are read, except the lease table's row count.
 */
import { type Dirent, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectError } from '../../../../test/support/expect-error.js';
import type { StatsSample } from '../../src/store.js';
import { tryDriver } from '../../src/stores/sqlite/driver/choose.js';
import type { SqliteDatabase } from '../../src/stores/sqlite/driver/driver.js';
import type { Progress } from '../../src/stores/sqlite/inspect.js';
import { createSqliteStore, type SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectToStore } from './drivers.js';
import { damageDatabase, manualClock, nextTick, recordingLogger, useTempDirs } from './helpers.js';

const loaded = tryDriver('better-sqlite3');
if (!('driver' in loaded)) throw new Error(`these tests need better-sqlite3: ${loaded.missing}`);
const driver = loaded.driver;

const tempDir = useTempDirs();
const stores: SqliteStore[] = [];
const peers: SqliteDatabase[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const db of peers.splice(0)) db.close();
  for (const store of stores.splice(0)) store.close(); // each test took its fault: none is left to raise
});

const GC_EVERY = 60_000;

function open(
  dir: string,
  options: { now?: () => number; name?: string; warn?: (m: string, c?: unknown) => void; inlineLimit?: number } = {},
): SqliteStore {
  const store = createSqliteStore({
    dir,
    driver: 'better-sqlite3',
    busyTimeout: 50,
    gcInterval: GC_EVERY,
    ...options,
  });
  stores.push(store);
  return store;
}

function peer(dir: string): SqliteDatabase {
  return connectToStore(driver, dir, peers);
}

/** The fault another connection's write lock causes past the busy timeout. */
const lockFault = { code: 'SQLITE_BUSY', message: 'database is locked' };

/** An entry that expired at `at` with no stale window: gc removes it from then on. */
const expiredAt = (value: unknown, at: number) =>
  entry(value, 'json', { createdAt: at - 1000, expiresAt: at, staleUntil: at });

function sample(fn: string, at: number, hits: number): StatsSample {
  return { fn, at, hits, misses: 0, staleHits: 0, herdJoins: 0, errors: 0 };
}

describe('a closed store', () => {
  it('refuses a write, rather than queue one that would never be committed', () => {
    const store = open(tempDir());
    store.close();
    expectError(() => store.set(entryKey('closed', 'a'), entry('a')), {
      code: 'CACHET_E_STORE',
      message: 'the sqlite store is closed',
    });
  });
});

describe('the periodic gc', () => {
  it('removes expired entries every gcInterval, once the database is open', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = manualClock(1_000_000);
    const store = open(tempDir(), { now: clock.now });
    store.set(entryKey('gc', 'old'), expiredAt('old', 1_000_500));
    store.set(entryKey('gc', 'kept'), entry('kept'));
    store.flush(); // opens the database, which starts the timer
    clock.advance(1000);
    const fns = () => store.entries({ fn: 'gc' }).length;
    expect(fns()).toBe(2);
    vi.advanceTimersByTime(GC_EVERY - 1);
    expect(fns()).toBe(2);
    vi.advanceTimersByTime(1);
    expect(fns()).toBe(1);
    expect(store.get(entryKey('gc', 'kept'))?.value).toBe('kept');
  });

  it('follows a file another process moved aside, to the fresh one there', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const dir = tempDir();
    const store = open(dir);
    store.set(entryKey('moved', 'before'), entry('before'));
    store.flush();
    // Another process found the file corrupt: it moved it aside and started a fresh one.
    const file = join(dir, 'cache.db');
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${file}.corrupt-1${suffix}`);
    const other = open(dir, { name: 'other' });
    other.set(entryKey('moved', 'after'), entry('after'));
    other.flush();
    expect(store.get(entryKey('moved', 'after'))).toBeUndefined(); // still on the old file
    vi.advanceTimersByTime(GC_EVERY);
    expect(store.get(entryKey('moved', 'after'))?.value).toBe('after');
    expect(store.get(entryKey('moved', 'before'))).toBeUndefined();
    expect(readdirSync(dir).filter((name) => name.startsWith('cache.db.corrupt-')).length).toBeGreaterThan(0);
  });
});

describe('a fault of background work', () => {
  /** A store with a committed entry, and a raw connection holding the write lock. */
  function locked(): { store: SqliteStore; release(): void } {
    const dir = tempDir();
    const store = open(dir);
    store.set(entryKey('fault', 'kept'), entry('kept'));
    store.flush();
    const db = peer(dir);
    db.exec('BEGIN IMMEDIATE');
    return { store, release: () => db.exec('ROLLBACK') };
  }

  /** Makes the next group commit fail: a write queued while another connection holds the lock past the busy timeout. */
  async function failedCommit(): Promise<SqliteStore> {
    const { store, release } = locked();
    store.set(entryKey('fault', 'queued'), entry('queued'));
    await nextTick(); // the group commit ran, and failed on the lock
    release();
    return store;
  }

  it('is raised by the next get, once', async () => {
    const store = await failedCommit();
    expectError(() => store.get(entryKey('fault', 'kept')), lockFault);
    expect(store.get(entryKey('fault', 'kept'))?.value).toBe('kept');
  });

  it('is raised by the next set, once', async () => {
    const store = await failedCommit();
    expectError(() => store.set(entryKey('fault', 'next'), entry('next')), lockFault);
    store.set(entryKey('fault', 'next'), entry('next'));
    expect(store.get(entryKey('fault', 'next'))?.value).toBe('next');
  });

  it('is raised by the next recordStats, once', async () => {
    const store = await failedCommit();
    expectError(() => store.recordStats([sample('fault', 60_000, 1)]), lockFault);
    store.recordStats([sample('fault', 120_000, 2)]);
    store.flush();
    expect(store.statsTotals()).toEqual([expect.objectContaining({ fn: 'fault', hits: 2 })]);
  });

  it('is raised by the next delete (or any call that commits first), once', async () => {
    const store = await failedCommit();
    expectError(() => store.delete(entryKey('fault', 'kept')), lockFault);
    expect(store.delete(entryKey('fault', 'kept'))).toBe(true);
  });

  it('is raised by close() when no call took it', async () => {
    const store = await failedCommit();
    expectError(() => store.close(), lockFault);
  });

  it('includes a periodic gc that failed', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { store, release } = locked();
    vi.advanceTimersByTime(GC_EVERY); // gc waits on the lock, gives up, keeps the fault
    release();
    expectError(() => store.get(entryKey('fault', 'kept')), lockFault);
    expect(store.get(entryKey('fault', 'kept'))?.value).toBe('kept');
  });
});

describe('gc', () => {
  it('removes expired leases, and keeps live ones', () => {
    const dir = tempDir();
    const store = open(dir);
    expect(store.acquireLease(entryKey('lease', 'dead'), 0)).toBe(true); // expires as it is taken
    expect(store.acquireLease(entryKey('lease', 'live'), 3_600_000)).toBe(true);
    const db = peer(dir);
    const leases = () => db.prepare('SELECT COUNT(*) AS n FROM leases').get() as { n: number };
    expect(leases().n).toBe(2);
    store.gc();
    expect(leases().n).toBe(1);
    const other = open(dir, { name: 'other' });
    expect(other.acquireLease(entryKey('lease', 'live'), 1000)).toBe(false); // the live one is still held
  });

  it('keeps counters for a week, and drops older ones', () => {
    const DAY = 24 * 3_600_000;
    const clock = manualClock(30 * DAY);
    const store = open(tempDir(), { now: clock.now });
    store.recordStats([sample('week', 30 * DAY - 7 * DAY - 60_000, 1), sample('week', 30 * DAY - 7 * DAY + 60_000, 2)]);
    store.flush();
    store.gc();
    expect(store.statsTotals()).toEqual([expect.objectContaining({ fn: 'week', hits: 2 })]);
  });

  it('reports its progress through the expired rows, 500 at a time, against the count it found', () => {
    const clock = manualClock(1_000_000);
    const store = open(tempDir(), { now: clock.now });
    for (let i = 0; i < 600; i++) store.set(entryKey('progress', `old ${i}`), expiredAt(i, 1_000_500));
    store.set(entryKey('progress', 'kept'), entry('kept'));
    store.flush();
    clock.advance(1000);
    const reports: Progress[] = [];
    expect(store.gc((progress) => reports.push(progress))).toBe(600);
    expect(reports.filter((report) => report.phase === 'expired')).toEqual([
      { phase: 'expired', done: 0, total: 600 },
      { phase: 'expired', done: 500, total: 600 },
      { phase: 'expired', done: 600, total: 600 },
    ]);
    expect(store.entries({ fn: 'progress' })).toHaveLength(1);
  });
});

describe('a blob file that cannot be read', () => {
  /** A store that keeps every value in a blob file, with one entry, and the path of its blob file. */
  function withBlob(warn?: (message: string, cause?: unknown) => void): { store: SqliteStore; file: string } {
    const dir = tempDir();
    const store = open(dir, { warn, inlineLimit: 0 });
    store.set(entryKey('blob', 'a'), entry('a'.repeat(100)));
    store.flush();
    const files = readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files).toHaveLength(1);
    return { store, file: join((files[0] as Dirent).parentPath, (files[0] as Dirent).name) };
  }

  it('is a miss with a warning naming the function when it is gone', () => {
    const logger = recordingLogger();
    const { store, file } = withBlob(logger.warn);
    rmSync(file);
    expect(store.get(entryKey('blob', 'a'))).toBeUndefined();
    expect(logger.warnings.map((warning) => warning.message)).toEqual([
      'a blob file of blob was missing or damaged; dropped the entry',
    ]);
  });

  it('is a fault, thrown, when reading it fails otherwise; the entry is kept', () => {
    const logger = recordingLogger();
    const { store, file } = withBlob(logger.warn);
    rmSync(file);
    mkdirSync(file); // a directory where the file was: reading it fails with EISDIR, not "missing"
    let thrown: unknown;
    try {
      store.get(entryKey('blob', 'a'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'EISDIR', syscall: 'read' }); // the read's own error, passed on
    expect(logger.warnings).toEqual([]);
    rmSync(file, { recursive: true });
    expect(store.entries({ fn: 'blob' })).toHaveLength(1); // not dropped as if it were damaged
  });
});

describe('the read methods on a database found corrupt while open', () => {
  /**
   * A store whose file has many committed rows, with its connection open (it has read the
   * schema), then garbage written over every page but the first under that connection.
   */
  function corrupted(): { store: SqliteStore; dir: string; warnings: { message: string }[] } {
    const dir = tempDir();
    const writer = open(dir, { name: 'writer' });
    for (let i = 0; i < 400; i++)
      writer.set(entryKey('corrupt', `row ${i}`, i % 2 === 0 ? '1' : '2'), entry('x'.repeat(200)));
    writer.recordStats([sample('corrupt', 60_000, 1)]);
    writer.flush();
    writer.close();
    stores.splice(stores.indexOf(writer), 1);
    const logger = recordingLogger();
    const store = open(dir, { warn: logger.warn });
    expect(store.get(entryKey('corrupt', 'none'))).toBeUndefined(); // opens the connection
    damageDatabase(dir);
    return { store, dir, warnings: logger.warnings };
  }

  it.each([
    ['entries', (store: SqliteStore) => store.entries(), []],
    ['summary', (store: SqliteStore) => store.summary(), []],
    ['statsTotals', (store: SqliteStore) => store.statsTotals(), []],
    ['statsSeries', (store: SqliteStore) => store.statsSeries(0, 60_000), []],
    ['functions', (store: SqliteStore) => store.functions(), []],
    ['value', (store: SqliteStore) => store.value('1'), undefined],
    ['prune', (store: SqliteStore) => store.prune({ before: Number.MAX_SAFE_INTEGER, by: 'created' }), 0],
    ['removeOlderVersions', (store: SqliteStore) => store.removeOlderVersions(), 0],
    ['gc', (store: SqliteStore) => store.gc(), 0],
    ['clear', (store: SqliteStore) => store.clear(), 0],
    ['delete', (store: SqliteStore) => store.delete(entryKey('corrupt', 'row 1', '2')), false],
    ['get', (store: SqliteStore) => store.get(entryKey('corrupt', 'row 1', '2')), undefined],
    ['acquireLease', (store: SqliteStore) => store.acquireLease(entryKey('corrupt', 'row 1', '2'), 1000), true],
  ] as const)('%s answers as for an empty cache, and the file is moved aside', (_, read, empty) => {
    const { store, dir, warnings } = corrupted();
    expect(read(store)).toEqual(empty);
    expect(warnings.map((warning) => warning.message)).toEqual([expect.stringMatching(/moved it to/)]);
    expect(readdirSync(dir).some((name) => name.startsWith('cache.db.corrupt-'))).toBe(true);
    expect(read(store)).toEqual(empty); // the fresh file is empty
  });
});
