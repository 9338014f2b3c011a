/**
 * The store paths' last open mutants (issue 13): what the scoped mutation runs of the SQLite store,
 * its connection, its shared reads and the blob files left untested.
 *
 * - The SQLite store: the bytes a row is charged (its value, its key text, 64), the byte count a
 *   closing flush settles with nothing else pending (and a close that opens nothing), a row
 *   another connection left with neither a value nor a blob file or with an unknown codec, a blob
 *   file gone or replaced since a shared read read its row, `persistent`; and `getFresh` on its
 *   own: shared reads, a background fault, an expired row's access time, a corrupt file.
 * - Shared reads: each kind of write (a write statement's `get` and `all`, `exec`, a write that
 *   holds a `SELECT`) ends the shared read and runs; a `SELECT` after white space is a read; a
 *   clock at 0; `close` closing the connection under it.
 * - The connection: a damaged file that only the log-priming write finds, a `-wal` or `-shm`
 *   rename that fails otherwise than for a missing file, a `stat` failing otherwise than for a missing file.
 * - The blob listing: a file removed, or its folder replaced, between the listing and its `stat`.
 *
 * Real stores and files in temporary directories. One call is replaced: `statSync` of `node:fs`,
 * wrapped (for the whole file: a module mock holds for the module graph) so a test can act at the
 * moment the blob listing stats a file, the race a test cannot time otherwise; the error the
 * listing then meets is the real one. The primed log's damage is a thrown SQLite error from a
 * wrapped binding: no real file is damaged where only that write would see it.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectError } from '../../../../test/support/expect-error.js';
import { type EntryKey, NOT_FOUND } from '../../src/store.js';
import { BlobFiles } from '../../src/stores/blob/blob-files.js';
import { inodeOf, moveAside } from '../../src/stores/sqlite/connection.js';
import type { SqliteDatabase, SqliteDriver } from '../../src/stores/sqlite/driver/driver.js';
import { SharedReads } from '../../src/stores/sqlite/shared-reads.js';
import { createSqliteStore, type SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectTo, connectToStore, describeDrivers } from './drivers.js';
import { damageDatabase, manualClock, nextTick, raised, recordingLogger, useTempDirs } from './helpers.js';

/** What runs when the blob listing stats `path`, before the real `statSync` (none outside its tests). */
const onStat = vi.hoisted(() => ({ hook: undefined as ((path: string) => void) | undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const statSync = ((path: Parameters<typeof actual.statSync>[0], ...rest: unknown[]) => {
    onStat.hook?.(String(path));
    return (actual.statSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof actual.statSync;
  return { ...actual, statSync, default: { ...actual, statSync } };
});

const tempDir = useTempDirs();
const stores: SqliteStore[] = [];
const opened: SqliteDatabase[] = [];
afterEach(() => {
  onStat.hook = undefined;
  for (const store of stores.splice(0)) store.close();
  for (const db of opened.splice(0)) db.close();
});

describeDrivers('the SQLite store', (driver) => {
  function open(dir: string, options: { warn?: (m: string, c?: unknown) => void; inlineLimit?: number } = {}) {
    const store = createSqliteStore({ driver: driver.name, dir, now: manualClock().now, ...options });
    stores.push(store);
    return store;
  }

  /** One column of the row at `key`, read by another connection. */
  function column(dir: string, name: string, key: EntryKey): unknown {
    return connectToStore(driver, dir, opened)
      .prepare(`SELECT ${name} FROM entries WHERE hash = ?`, { pluck: true })
      .get(key.hash);
  }

  function metaBytes(dir: string): number {
    const db = connectToStore(driver, dir, opened);
    return Number(db.prepare("SELECT value FROM meta WHERE name = 'bytes'", { pluck: true }).get());
  }

  it('charges a row its encoded value, its key text and 64 bytes, inline or in a blob file', () => {
    const dir = tempDir();
    const store = open(dir, { inlineLimit: 100 });
    const short = entryKey('size', 'k'.repeat(500));
    const long = entryKey('size', 'l'.repeat(300));
    store.set(short, entry('v')); // JSON "v": 3 bytes
    store.set(long, entry('w'.repeat(200))); // 202 bytes, over the inline limit
    store.flush();
    expect(short.text.length).toBe(507); // `size`, NUL, `1`, NUL and the 500 characters
    expect(column(dir, 'size', short)).toBe(3 + 507 + 64);
    expect(column(dir, 'blob', long)).not.toBeNull();
    expect(column(dir, 'size', long)).toBe(202 + 307 + 64);
  });

  it('settles the bytes it held back at a flush that settles, with nothing else pending', () => {
    const dir = tempDir();
    const store = open(dir);
    const key = entryKey('settle', 'a');
    store.set(key, entry('a'.repeat(100)));
    store.flush();
    const size = column(dir, 'size', key);
    expect(size).toBe(102 + key.text.length + 64);
    expect(metaBytes(dir)).toBe(0); // held back: under 1% of the limit
    store.flush(); // nothing pending: nothing written
    expect(metaBytes(dir)).toBe(0);
    store.flush(true); // as at close and exit
    expect(metaBytes(dir)).toBe(size);
    store.flush(true); // settled: nothing more
    expect(metaBytes(dir)).toBe(size);
  });

  it('drops a row another connection left with neither a value nor a blob file, with one warning', async () => {
    const dir = tempDir();
    const log = recordingLogger();
    const store = open(dir, { warn: log.warn });
    const key = entryKey('hollow', 'a');
    const other = entryKey('hollow', 'b');
    store.set(key, entry('a'));
    store.set(other, entry('b'));
    store.flush();
    const db = connectToStore(driver, dir, opened);
    db.prepare('UPDATE entries SET value = NULL, blob = NULL').run();
    await nextTick();
    expect(store.get(key)).toBeUndefined();
    await nextTick();
    expect(store.getFresh(other, 0)).toBe(NOT_FOUND);
    expect(db.prepare('SELECT COUNT(*) FROM entries', { pluck: true }).get()).toBe(0);
    expect(log.warnings.map((w) => w.message)).toEqual(['an entry of hollow failed to decode; dropped it']);
    expect(log.warnings[0]?.cause).toMatchObject({ message: 'the entry holds no value', code: 'CACHET_E_CODEC' });
  });

  it('drops a row of a codec this runtime does not know, saying so in the warning', () => {
    const dir = tempDir();
    const log = recordingLogger();
    const store = open(dir, { warn: log.warn });
    const key = entryKey('future', 'a');
    store.set(key, entry('a'));
    store.flush();
    connectToStore(driver, dir, opened).prepare("UPDATE entries SET codec = 'cbor'").run();
    expect(store.get(key)).toBeUndefined();
    expect(log.warnings[0]?.cause).toMatchObject({
      message: 'the stored codec is not one this runtime knows',
      code: 'CACHET_E_CODEC',
    });
  });

  it('drops a row whose blob file is gone, naming the function in its one warning', () => {
    const dir = tempDir();
    const log = recordingLogger();
    const store = open(dir, { warn: log.warn, inlineLimit: 0 });
    const key = entryKey('gone', 'a');
    store.set(key, entry('a'));
    store.flush();
    const name = column(dir, 'blob', key) as string;
    rmSync(join(dir, 'blobs', name.slice(0, 2), name));
    expect(store.get(key)).toBeUndefined();
    expect(column(dir, 'hash', key)).toBeUndefined();
    expect(log.warnings.map((w) => w.message)).toEqual([
      'a blob file of gone was missing or damaged; dropped the entry',
    ]);
  });

  it('neither drops nor warns when another connection rewrote the entry, and removed its file, since the row was read', async () => {
    const dir = tempDir();
    const log = recordingLogger();
    const store = open(dir, { warn: log.warn, inlineLimit: 0 });
    const key = entryKey('moved', 'a');
    store.set(key, entry('old'));
    store.flush();
    const other = open(dir, { inlineLimit: 0 });
    await nextTick();
    expect(store.get(key)?.value).toBe('old');
    expect(store.get(key)?.value).toBe('old'); // a shared read: its snapshot names the old file
    other.set(key, entry('new'));
    other.flush(); // the old file goes with the old row
    expect(store.get(key)).toBeUndefined(); // the snapshot's row, its file gone: a plain miss
    expect(log.warnings).toEqual([]);
    await nextTick();
    expect(store.get(key)?.value).toBe('new');
  });

  it('creates no file when closed without having been used', () => {
    const dir = tempDir();
    open(dir).close();
    expect(existsSync(join(dir, 'cache.db'))).toBe(false);
  });

  describe('getFresh', () => {
    it('shares a snapshot among the reads of one event-loop turn on its own', async () => {
      const dir = tempDir();
      const store = open(dir);
      const key = entryKey('burst', 'a');
      store.set(key, entry('first'));
      store.flush();
      await nextTick();
      expect(store.getFresh(key, 0)).toBe('first');
      expect(store.getFresh(key, 0)).toBe('first'); // opens the shared read
      const value = JSON.stringify('second');
      connectToStore(driver, dir, opened).prepare('UPDATE entries SET value = ?').run(value);
      expect(store.getFresh(key, 0)).toBe('first');
      await nextTick();
      expect(store.getFresh(key, 0)).toBe('second');
    });

    it('raises a fault of background work once', async () => {
      const dir = tempDir();
      const store = createSqliteStore({ driver: driver.name, dir, busyTimeout: 50 });
      stores.push(store);
      const key = entryKey('fault', 'kept');
      store.set(key, entry('kept'));
      store.flush();
      const db = connectToStore(driver, dir, opened);
      db.exec('BEGIN IMMEDIATE'); // another process holds the write lock past the busy timeout
      store.set(entryKey('fault', 'queued'), entry('queued'));
      await nextTick(); // the group commit ran, and failed on the lock
      db.exec('ROLLBACK');
      const code = driver.name === 'node:sqlite' ? 'ERR_SQLITE_ERROR' : 'SQLITE_BUSY';
      expectError(() => store.getFresh(key, 0), { message: 'database is locked', code });
      expect(store.getFresh(key, 0)).toBe('kept');
    });

    it("leaves an expired row's access time alone, with or without other writes pending", () => {
      const dir = tempDir();
      const clock = manualClock();
      const store = createSqliteStore({ driver: driver.name, dir, now: clock.now });
      stores.push(store);
      const key = entryKey('expired', 'a');
      store.set(key, entry('a', 'json', { expiresAt: clock.now() + 1000 }));
      store.flush();
      const accessed = column(dir, 'accessed_at', key);
      clock.advance(10 * 60_000); // long expired, last read long ago
      expect(store.getFresh(key, clock.now())).toBe(NOT_FOUND);
      store.set(entryKey('expired', 'other'), entry('b')); // pending
      expect(store.getFresh(key, clock.now())).toBe(NOT_FOUND);
      store.flush();
      expect(column(dir, 'accessed_at', key)).toBe(accessed);
    });

    it('answers NOT_FOUND on a file found corrupt while open, and moves it aside', () => {
      const dir = tempDir();
      const writer = open(dir);
      for (let i = 0; i < 400; i++) writer.set(entryKey('corrupt', `row ${i}`), entry('x'.repeat(200)));
      writer.close();
      const log = recordingLogger();
      const store = open(dir, { warn: log.warn });
      expect(store.getFresh(entryKey('corrupt', 'none'), 0)).toBe(NOT_FOUND); // opens the connection
      damageDatabase(dir);
      expect(store.getFresh(entryKey('corrupt', 'row 1'), 0)).toBe(NOT_FOUND);
      expect(log.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/moved it to/)]);
      expect(readdirSync(dir).some((name) => name.startsWith('cache.db.corrupt-'))).toBe(true);
    });
  });

  it('says it is persistent', () => {
    expect(open(tempDir()).persistent).toBe(true);
  });

  it('moves aside a file whose damage only the write priming its log finds, and starts afresh', () => {
    const dir = tempDir();
    const key = entryKey('primed', 'a');
    const before = open(dir);
    before.set(key, entry('a'));
    before.close();
    const log = recordingLogger();
    let damaged = true; // the next open's priming write meets the damage
    const openDamaged = (file: string, options: { timeout: number }): SqliteDatabase => {
      const db = driver.open(file, options);
      if (!damaged) return db;
      damaged = false;
      const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
      return {
        file: db.file,
        driver: db.driver,
        readsNul: db.readsNul,
        prepare: (sql, shape) => db.prepare(sql, shape),
        exec: (sql) => db.exec(sql),
        pragma: (sql) => {
          if (/^user_version = /.test(sql)) throw corrupt;
          return db.pragma(sql);
        },
        transaction: (work) => db.transaction(work),
        close: () => db.close(),
      };
    };
    const store = createSqliteStore({ open: openDamaged, dir, now: manualClock().now, warn: log.warn });
    stores.push(store);
    expect(store.get(key)).toBeUndefined(); // a fresh file
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]?.message).toMatch(/cache\.db is not a usable SQLite database; moved it to .*corrupt-/);
    expect(log.warnings[0]?.cause).toMatchObject({ code: 'SQLITE_CORRUPT' });
    expect(readdirSync(dir).filter((name) => /^cache\.db\.corrupt-\d+$/.test(name))).toHaveLength(1);
    store.set(key, entry('b'));
    store.flush();
    expect(store.get(key)?.value).toBe('b');
  });
});

describeDrivers('shared reads', (driver: SqliteDriver) => {
  /** A connection to a file with `t` = {1: 'a'}, with its reads shared, and another connection. */
  function pair(): { inner: SqliteDatabase; shared: SharedReads; writer: SqliteDatabase } {
    const file = join(tempDir(), 'db.sqlite');
    const inner = connectTo(driver, file);
    inner.exec(
      "PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')",
    );
    const writer = connectTo(driver, file);
    opened.push(writer);
    return { inner, shared: new SharedReads(inner), writer };
  }

  function valueAt(db: SqliteDatabase, k: number): unknown {
    return db.prepare('SELECT v FROM t WHERE k = ?', { pluck: true }).get(k);
  }

  it("runs a write statement's get and all, and a write holding a SELECT, after ending the shared read", () => {
    const { inner, shared, writer } = pair();
    opened.push(inner);
    const read = shared.prepare<[], string>('SELECT v FROM t WHERE k = 1', { pluck: true });
    shared.prepare('INSERT INTO t VALUES (?, ?)').run(2, 'x');
    shared.prepare('INSERT INTO t VALUES (?, ?)').run(3, 'y');
    const writes: readonly (readonly [string, () => unknown, unknown])[] = [
      ["a write statement's get", () => shared.prepare('DELETE FROM t WHERE k = 2 RETURNING v').get(), { v: 'x' }],
      ["a write statement's all", () => shared.prepare('DELETE FROM t WHERE k = 3 RETURNING v').all(), [{ v: 'y' }]],
      ['a write holding a SELECT', () => shared.prepare("INSERT INTO t SELECT 4, 'z'").run(), { changes: 1 }],
    ];
    let version = 0;
    for (const [what, run, answer] of writes) {
      shared.reading(5);
      shared.reading(5);
      read.get();
      writer.prepare('UPDATE t SET v = ? WHERE k = 1').run(`b${++version}`);
      expect(read.get(), `${what}: the snapshot`).not.toBe(`b${version}`);
      expect(run(), what).toMatchObject(answer as object);
      expect(read.get(), `after ${what}`).toBe(`b${version}`);
    }
    // Seen by another connection at once: committed, not held in a transaction.
    expect(writer.prepare('SELECT k FROM t ORDER BY k', { pluck: true }).all()).toEqual([1, 4]);
  });

  it('runs what exec is given', () => {
    const { inner, shared, writer } = pair();
    opened.push(inner);
    shared.reading(5);
    shared.reading(5);
    shared.exec("INSERT INTO t VALUES (5, 'e'); UPDATE t SET v = 'f' WHERE k = 5");
    expect(valueAt(writer, 5)).toBe('f');
  });

  it('takes a SELECT after white space for a read: it shares the snapshot', () => {
    const { inner, shared, writer } = pair();
    opened.push(inner);
    const read = shared.prepare<[], string>('\n    SELECT v FROM t WHERE k = 1', { pluck: true });
    shared.reading(5);
    shared.reading(5);
    expect(read.get()).toBe('a');
    writer.prepare("UPDATE t SET v = 'b' WHERE k = 1").run();
    expect(read.get()).toBe('a');
    shared.endRead();
    expect(read.get()).toBe('b');
  });

  it('shares and ends a read transaction begun at time 0', () => {
    const { inner, shared, writer } = pair();
    opened.push(inner);
    const read = shared.prepare<[], string>('SELECT v FROM t WHERE k = 1', { pluck: true });
    shared.reading(0);
    shared.reading(0); // opens the shared read at 0
    expect(read.get()).toBe('a');
    writer.prepare("UPDATE t SET v = 'b' WHERE k = 1").run();
    shared.reading(0); // still inside it
    expect(read.get()).toBe('a');
    shared.endRead();
    expect(read.get()).toBe('b');
  });

  it('closes the connection under it, ending the shared read: nothing is left to end after', () => {
    const { inner, shared } = pair();
    shared.reading(5);
    shared.reading(5);
    shared.close();
    expect(raised(() => valueAt(inner, 1))).toBeInstanceOf(Error); // closed
    expect(() => shared.endRead()).not.toThrow();
  });
});

describe('the connection', () => {
  it('throws a failed rename of the log or shared-memory file that is not a missing file', () => {
    for (const suffix of ['-wal', '-shm']) {
      const dir = tempDir();
      const file = join(dir, 'cache.db');
      for (const name of [file, `${file}-wal`, `${file}-shm`]) writeFileSync(name, 'x');
      mkdirSync(`${file}.corrupt-7${suffix}`); // a folder where the moved file would go
      expectError(() => moveAside(file, inodeOf(file), 7), { message: /EISDIR/, code: 'EISDIR' });
      expect(existsSync(`${file}.corrupt-7`)).toBe(true); // the database itself was moved
    }
  });

  it('throws a stat that fails otherwise than for a missing file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain'), 'x');
    expect(inodeOf(join(dir, 'missing'))).toBe(-1);
    expectError(() => inodeOf(join(dir, 'plain', 'cache.db')), { message: /ENOTDIR/, code: 'ENOTDIR' });
  });
});

describe('the blob listing', () => {
  const HOUR = 3_600_000;

  /** A blob directory with two old blob files in one folder and an old temporary file. */
  function oldFiles(): { files: BlobFiles; names: string[]; temp: string } {
    const dir = join(tempDir(), 'blobs');
    const files = new BlobFiles(dir);
    const names = ['a', 'b'].map((text) => {
      const staged = files.stage(Buffer.from(`"${text}"`));
      files.place(staged);
      return staged.name;
    });
    const temp = files.stage(Buffer.from('"t"')).temp;
    const past = new Date(Date.now() - 2 * HOUR);
    for (const name of names) utimesSync(join(dir, name.slice(0, 2), name), past, past);
    utimesSync(temp, past, past);
    return { files, names, temp };
  }

  it('leaves out a file removed between the listing and its stat, and lists the rest', () => {
    const { files, names, temp } = oldFiles();
    const gone = names[0] as string;
    onStat.hook = (path) => {
      if (path.endsWith(gone) || path === temp) rmSync(path); // another process's gc got there first
    };
    const listing = files.list(Date.now() - HOUR);
    expect(listing.old).toEqual([names[1]]);
    expect(listing.staleTemps).toEqual([]);
  });

  it('throws a stat that fails otherwise, as when a folder was replaced by a file meanwhile', () => {
    const { files, names } = oldFiles();
    const folder = join(files.dir, (names[1] as string).slice(0, 2));
    onStat.hook = (path) => {
      if (!path.startsWith(`${folder}/`)) return;
      onStat.hook = undefined; // once
      renameSync(folder, `${folder}.moved`);
      writeFileSync(folder, 'not a folder');
    };
    expectError(() => files.list(Date.now() - HOUR), { message: /ENOTDIR/, code: 'ENOTDIR' });
  });
});
