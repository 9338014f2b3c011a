/**
 * What mutation testing left untested in the SQLite write path (the group commit), the connection's
 * handle, housekeeping and the blob files: a failed commit's staged files removed, the byte count
 * written with the counters report, an access-time touch applied once, eviction down to 90% of the
 * limit (not at it, and with a budget that grows with the commit), an expired entry's file
 * removed with its row, a file still referred to by another row kept, the orphan sweep in batches
 * with its progress, the blob directory's listing ignoring what is not a blob in its place, the
 * blob files' errors and names (nothing around a blob name), a corrupt file left for a fresh one,
 * the exit hook and timer removed at close, and an in-memory database left alone by the timer.
 * Real better-sqlite3 files; a raw connection on the same file plays the other process.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlobFiles } from '../../src/stores/blob/blob-files.js';
import { createFsStore } from '../../src/stores/blob/fs-store.js';
import { tryDriver } from '../../src/stores/sqlite/driver/choose.js';
import type { SqliteDatabase } from '../../src/stores/sqlite/driver/driver.js';
import type { Progress } from '../../src/stores/sqlite/inspect.js';
import { createSqliteStore, type SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectToStore } from './drivers.js';
import { damageDatabase, manualClock, nextTick, raised, recordingLogger, useTempDirs } from './helpers.js';

const loaded = tryDriver('better-sqlite3');
if (!('driver' in loaded)) throw new Error(`these tests need better-sqlite3: ${loaded.missing}`);
const driver = loaded.driver;

const tempDir = useTempDirs();
const stores: SqliteStore[] = [];
const peers: SqliteDatabase[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const db of peers.splice(0)) db.close();
  for (const store of stores.splice(0)) {
    try {
      store.close();
    } catch {
      // a fault a test left on purpose
    }
  }
});

const GC_EVERY = 60_000;

function open(
  dir: string,
  options: {
    now?: () => number;
    warn?: (m: string, c?: unknown) => void;
    inlineLimit?: number;
    maxBytes?: number;
    blobGrace?: number;
  } = {},
): SqliteStore {
  const store = createSqliteStore({ dir, driver: 'better-sqlite3', busyTimeout: 50, gcInterval: GC_EVERY, ...options });
  stores.push(store);
  return store;
}

function peer(dir: string): SqliteDatabase {
  return connectToStore(driver, dir, peers);
}

/** Every file under `dir/blobs/sub`, by name. */
function filesIn(dir: string, sub = ''): string[] {
  const root = join(dir, 'blobs', sub);
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((item) => item.isFile())
    .map((item) => item.name)
    .sort();
}

function metaBytes(dir: string): number {
  return Number(peer(dir).prepare("SELECT value FROM meta WHERE name = 'bytes'", { pluck: true }).get());
}

describe('the group commit', () => {
  it('removes the staged blob files of a commit that failed, and writes none into place', async () => {
    const dir = tempDir();
    const store = open(dir, { inlineLimit: 0 });
    store.set(entryKey('fail', 'kept'), entry('kept'));
    store.flush();
    const db = peer(dir);
    db.exec('BEGIN IMMEDIATE'); // another process holds the write lock past the busy timeout
    store.set(entryKey('fail', 'lost'), entry('lost'.repeat(50)));
    await nextTick(); // the commit staged the file, then failed on the lock
    db.exec('ROLLBACK');
    expect(filesIn(dir, 'tmp')).toEqual([]);
    expect(filesIn(dir).length).toBe(1); // the kept entry's file only
    raised(() => store.get(entryKey('fail', 'kept'))); // takes the fault
    expect(store.get(entryKey('fail', 'lost'))).toBeUndefined();
  });

  it('writes the pending byte count with the counters report', () => {
    const dir = tempDir();
    const store = open(dir);
    store.set(entryKey('bytes', 'a'), entry('a'.repeat(100)));
    store.flush();
    const sum = () => Number(peer(dir).prepare('SELECT SUM(size) FROM entries', { pluck: true }).get());
    expect(metaBytes(dir)).toBe(0); // held back: under 1% of the limit
    store.recordStats([{ fn: 'bytes', at: 60_000, hits: 1, misses: 0, staleHits: 0, herdJoins: 0, errors: 0 }]);
    store.flush();
    expect(metaBytes(dir)).toBe(sum());
  });
  it('applies an access-time touch once, not again with later commits', async () => {
    const dir = tempDir();
    const clock = manualClock(600_000);
    const store = open(dir, { now: clock.now });
    const key = entryKey('touch', 'a');
    store.set(key, entry('a'));
    store.flush();
    clock.advance(120_000);
    expect(store.get(key)?.value).toBe('a'); // a hit two minutes on: its access time is written
    await nextTick();
    const db = peer(dir);
    db.prepare('UPDATE entries SET accessed_at = 1 WHERE hash = ?').run(key.hash); // another process's touch, later
    store.set(entryKey('touch', 'b'), entry('b'));
    await nextTick();
    expect(db.prepare('SELECT accessed_at FROM entries WHERE hash = ?', { pluck: true }).get(key.hash)).toBe(1);
  });
});

describe('eviction', () => {
  it('removes least recently used rows down to 90% of the limit, not just under it', async () => {
    const dir = tempDir();
    const clock = manualClock();
    const store = open(dir, { maxBytes: 20_000, now: clock.now });
    // Each entry counts 1077 bytes (value, key text, row overhead): the 19th write passes the limit.
    for (let i = 0; i < 19; i++) {
      store.set(entryKey('evict', `k${String(i).padStart(2, '0')}`), entry('v'.repeat(1000)));
      await nextTick();
      clock.advance(120_000);
    }
    store.close();
    const total = Number(peer(dir).prepare('SELECT SUM(size) FROM entries', { pluck: true }).get());
    expect(total).toBeGreaterThan(16_000);
    expect(total).toBeLessThanOrEqual(18_000); // down to 90%, not just under the limit
    const kept = peer(dir).prepare('SELECT key FROM entries ORDER BY key', { pluck: true }).all();
    expect(kept[0]).toBe(entryKey('evict', 'k03').text); // the three least recently used went
  });
  it('stops once the total is exactly 90% of the limit', async () => {
    const dir = tempDir();
    const clock = manualClock();
    const store = open(dir, { maxBytes: 10_000, now: clock.now });
    // 923 characters: 925 bytes of JSON, 11 of key text and 64 of row overhead, 1000 in all.
    for (let i = 0; i < 11; i++) {
      store.set(entryKey('exact', `k${String(i).padStart(2, '0')}`), entry('v'.repeat(923)));
      await nextTick();
      clock.advance(120_000);
    }
    store.close();
    const total = Number(peer(dir).prepare('SELECT SUM(size) FROM entries', { pluck: true }).get());
    expect(total).toBe(9000); // 11 000 after the last write; two removed, not three
  });
  it('keeps a total exactly at the limit', async () => {
    const dir = tempDir();
    const store = open(dir, { maxBytes: 10_000 });
    for (let i = 0; i < 10; i++) store.set(entryKey('exact', `k${String(i).padStart(2, '0')}`), entry('v'.repeat(923)));
    store.close();
    const total = Number(peer(dir).prepare('SELECT SUM(size) FROM entries', { pluck: true }).get());
    expect(total).toBe(10_000);
  });

  it('removes up to two rows per row written in one commit, beyond the least of 64', () => {
    const dir = tempDir();
    const store = open(dir, { maxBytes: 10_000 });
    for (let i = 0; i < 100; i++) store.set(entryKey('many', `k${String(i).padStart(2, '0')}`), entry('v'.repeat(924)));
    store.flush(); // one commit of 100 KB: 91 rows over, more than 64
    const total = Number(peer(dir).prepare('SELECT SUM(size) FROM entries', { pluck: true }).get());
    expect(total).toBeLessThanOrEqual(9000);
  });
});

describe('gc and the blob files of removed rows', () => {
  it('removes an expired entry’s blob file with its row, not hours later as an orphan', () => {
    const dir = tempDir();
    const clock = manualClock(1_000_000);
    const store = open(dir, { inlineLimit: 0, now: clock.now });
    store.set(
      entryKey('exp', 'old'),
      entry('old', 'json', { createdAt: 999_000, expiresAt: 1_000_500, staleUntil: 1_000_500 }),
    );
    store.set(entryKey('exp', 'kept'), entry('kept'));
    store.flush();
    expect(filesIn(dir)).toHaveLength(2);
    clock.advance(1000);
    expect(store.gc()).toBe(1);
    expect(filesIn(dir)).toHaveLength(1);
    expect(store.get(entryKey('exp', 'kept'))?.value).toBe('kept');
  });

  it('keeps a file (named by SHA-256, as earlier versions shared them) while another row refers to it', async () => {
    const dir = tempDir();
    const store = open(dir, { inlineLimit: 0 });
    const [one, two] = [entryKey('shared', 'one'), entryKey('shared', 'two')];
    store.set(one, entry('same'));
    store.set(two, entry('same'));
    store.flush();
    const db = peer(dir);
    const names = db.prepare('SELECT blob FROM entries', { pluck: true }).all() as string[];
    const bytes = readFileSync(join(dir, 'blobs', (names[0] as string).slice(0, 2), names[0] as string));
    const legacy = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
    mkdirSync(join(dir, 'blobs', legacy.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, 'blobs', legacy.slice(0, 2), legacy), bytes);
    db.prepare('UPDATE entries SET blob = ?').run(legacy);
    expect(store.delete(one)).toBe(true);
    expect(store.get(two)?.value).toBe('same');
  });

  it('runs on an in-memory database, which has no blob directory', () => {
    const store = open(':memory:');
    store.set(entryKey('mem', 'a'), entry('a'));
    store.flush();
    expect(store.gc()).toBe(0);
    expect(store.get(entryKey('mem', 'a'))?.value).toBe('a');
  });

  it('sweeps orphans 256 at a time, counting each once, and reports its progress', () => {
    const dir = tempDir();
    const store = open(dir, { blobGrace: 0, inlineLimit: 0 });
    store.set(entryKey('orphans', 'kept'), entry('kept'));
    store.flush();
    const files = new BlobFiles(join(dir, 'blobs'));
    for (let i = 0; i < 300; i++) files.place(files.stage(Buffer.from(`"orphan ${i}"`)));
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const name of filesIn(dir)) utimesSync(join(dir, 'blobs', name.slice(0, 2), name), hourAgo, hourAgo);
    const reports: Progress[] = [];
    expect(store.gc((progress) => reports.push(progress))).toBe(300);
    expect(reports.filter((report) => report.phase === 'orphans')).toEqual([
      { phase: 'orphans', done: 0, total: 301 },
      { phase: 'orphans', done: 256, total: 301 },
      { phase: 'orphans', done: 301, total: 301 },
    ]);
    expect(store.get(entryKey('orphans', 'kept'))?.value).toBe('kept');
  });

  it('reports the orphan phase once when there is nothing to sweep', () => {
    const dir = tempDir();
    const store = open(dir, { inlineLimit: 0 });
    const reports: Progress[] = [];
    store.gc((progress) => reports.push(progress));
    expect(reports.filter((report) => report.phase === 'orphans')).toEqual([{ phase: 'orphans', done: 0, total: 0 }]);
  });
});

describe('the blob directory', () => {
  const bytes = Buffer.from('"blob"');

  it('lists only blob files in the folder their name fans out to, older than the limit given', () => {
    const dir = join(tempDir(), 'blobs');
    const files = new BlobFiles(dir);
    const placed = files.stage(bytes);
    files.place(placed);
    const misplaced = BlobFiles.nameFor(Buffer.from('"elsewhere"'));
    const wrongFan = misplaced.startsWith('00') ? '01' : '00';
    mkdirSync(join(dir, wrongFan), { recursive: true });
    writeFileSync(join(dir, wrongFan, misplaced), '"elsewhere"');
    writeFileSync(join(dir, placed.name.slice(0, 2), 'notes.txt'), 'not a blob');
    writeFileSync(join(dir, 'stray'), 'a file where a folder would be');
    const at = new Date(1_700_000_000_000);
    for (const path of [
      join(dir, placed.name.slice(0, 2), placed.name),
      join(dir, wrongFan, misplaced),
      join(dir, placed.name.slice(0, 2), 'notes.txt'),
    ])
      utimesSync(path, at, at);
    expect(files.list(1_700_000_000_000)).toEqual({ old: [], staleTemps: [] }); // not before: the same ms
    expect(files.list(1_700_000_000_001)).toEqual({ old: [placed.name], staleTemps: [] });
  });

  it('passes on an error listing a folder other than its absence', () => {
    const dir = join(tempDir(), 'blobs');
    mkdirSync(dir);
    symlinkSync('ab', join(dir, 'ab')); // a link to itself: reading it fails with ELOOP
    expect(raised(() => new BlobFiles(dir).list(Date.now()))).toMatchObject({ code: 'ELOOP' });
  });

  it('names its temporaries by process and the random half of the name', () => {
    const dir = join(tempDir(), 'blobs');
    const staged = new BlobFiles(dir).stage(bytes);
    expect(basename(staged.temp)).toBe(`${process.pid}-${staged.name.slice(0, 16)}.tmp`);
  });

  it('passes on a failure to stage or place other than a missing folder', () => {
    const dir = join(tempDir(), 'blobs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tmp'), 'a file where the temporaries go');
    expect(raised(() => new BlobFiles(dir).stage(bytes))).toMatchObject({ code: 'ENOTDIR' });
    rmSync(join(dir, 'tmp'));
    const files = new BlobFiles(dir);
    const staged = files.stage(bytes);
    writeFileSync(join(dir, staged.name.slice(0, 2)), 'a file where the fan-out folder goes');
    expect(raised(() => files.place(staged))).toMatchObject({ code: 'ENOTDIR' });
  });

  it('places into a fan-out folder another writer just made (the rename’s own error passed on)', () => {
    const dir = join(tempDir(), 'blobs');
    const files = new BlobFiles(dir);
    const staged = files.stage(bytes);
    mkdirSync(join(dir, staged.name.slice(0, 2)));
    rmSync(staged.temp); // the rename fails with ENOENT, the folder is there: mkdir must not fail
    expect(raised(() => files.place(staged))).toMatchObject({ code: 'ENOENT', syscall: 'rename' });
  });

  it('removes a file or temporary already gone without a fault', () => {
    const dir = join(tempDir(), 'blobs');
    const files = new BlobFiles(dir);
    const staged = files.stage(bytes);
    files.place(staged);
    files.remove(staged.name);
    expect(raised(() => files.remove(staged.name))).toBeUndefined();
    expect(raised(() => files.removeTemp(join(dir, 'tmp', 'gone.tmp')))).toBeUndefined();
    expect(raised(() => files.discard(staged))).toBeUndefined();
  });

  it('says which blob is missing, damaged or not a blob name, as a BlobMissingError', () => {
    const dir = join(tempDir(), 'blobs');
    const files = new BlobFiles(dir);
    const staged = files.stage(bytes);
    files.place(staged);
    const missing = BlobFiles.nameFor(Buffer.from('"none"'));
    expect(raised(() => files.read(missing))).toMatchObject({
      name: 'BlobMissingError',
      message: `blob ${missing} is missing`,
      cause: expect.objectContaining({ code: 'ENOENT' }),
    });
    writeFileSync(join(dir, staged.name.slice(0, 2), staged.name), '"blo!"');
    expect(raised(() => files.read(staged.name))).toMatchObject({
      name: 'BlobMissingError',
      message: `blob ${staged.name} does not match its content`,
    });
    expect(raised(() => files.read('../../cache.db'))).toMatchObject({
      name: 'BlobMissingError',
      message: '"../../cache.db" is not a blob name',
    });
    // A name must be nothing but the blob name: anything around it could reach outside the directory.
    const hex16 = '0123456789abcdef';
    for (const name of [
      `../../${hex16}-${hex16}`,
      `${hex16}-${hex16}/../../cache.db`,
      `../../${hex16}${hex16}`,
      `${hex16}${hex16}/../../cache.db`,
    ])
      expect(raised(() => files.read(name))).toMatchObject({ message: `"${name}" is not a blob name` });
  });
});

describe('the fs store', () => {
  it('is named fs', () => {
    const store = createFsStore({ dir: tempDir(), driver: 'better-sqlite3' });
    expect(store.name).toBe('fs');
    store.close();
  });
});

describe('the connection', () => {
  /** A store with its connection open on a file of many rows, then garbage written over all pages but the first. */
  function corruptWhileOpen() {
    const dir = tempDir();
    const writer = open(dir);
    for (let i = 0; i < 400; i++) writer.set(entryKey('corrupt', `row ${i}`), entry('x'.repeat(200)));
    writer.flush();
    writer.close();
    const logger = recordingLogger();
    const store = open(dir, { warn: logger.warn });
    expect(store.get(entryKey('corrupt', 'none'))).toBeUndefined(); // opens the connection
    damageDatabase(dir);
    return { dir, store, logger };
  }

  it('after moving a corrupt file aside, writes to the fresh one', () => {
    const { dir, store, logger } = corruptWhileOpen();
    expect(store.entries()).toEqual([]); // finds the damage, moves the file aside
    expect(logger.warnings).toHaveLength(1);
    store.set(entryKey('corrupt', 'after'), entry('after'));
    store.flush();
    const row = peer(dir).prepare('SELECT key FROM entries', { pluck: true }).all();
    expect(row).toEqual([entryKey('corrupt', 'after').text]);
    expect(logger.warnings).toHaveLength(1);
  });

  it('says so when another process already moved the corrupt file aside', () => {
    const { dir, store, logger } = corruptWhileOpen();
    renameSync(join(dir, 'cache.db'), join(dir, 'cache.db.corrupt-1')); // the other process's move
    expect(store.entries()).toEqual([]);
    expect(logger.warnings.map((warning) => warning.message)).toEqual([
      `${join(dir, 'cache.db')} is not a usable SQLite database; another process already replaced it and started a fresh one`,
    ]);
  });

  it('leaves an in-memory database open when the background timer runs', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = open(':memory:');
    store.set(entryKey('mem', 'kept'), entry('kept'));
    store.flush();
    vi.advanceTimersByTime(GC_EVERY);
    expect(store.get(entryKey('mem', 'kept'))?.value).toBe('kept');
  });

  it('stops the background timer when closed', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = open(tempDir());
    store.set(entryKey('timer', 'a'), entry('a'));
    store.flush();
    expect(vi.getTimerCount()).toBe(1);
    store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes its exit hook when closed', () => {
    const before = process.listenerCount('exit');
    const store = open(tempDir());
    store.set(entryKey('exit', 'a'), entry('a'));
    store.flush();
    expect(process.listenerCount('exit')).toBe(before + 1);
    store.close();
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('refuses to open once closed', () => {
    const store = open(tempDir());
    store.close();
    expect(raised(() => store.get(entryKey('closed', 'a')))).toMatchObject({ message: 'the sqlite store is closed' });
  });
});
