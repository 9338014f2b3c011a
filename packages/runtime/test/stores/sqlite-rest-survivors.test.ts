/**
 * What mutation testing left untested in the rest of the SQLite store: the schema and its
 * migrations (a cache made by an earlier runtime keeps its entries and stops counting its bytes
 * twice; a newer one is refused, untouched), the connection's pragmas and its primed log, the
 * prepared statements, the byte count, both bindings' adapters, and what the CLI and the dashboard
 * read. Real database files on both bindings; a second connection on the same file plays the
 * other process (holding a lock the store then waits on: the store's calls are synchronous, so the
 * holder needs no process of its own). Where a binding's fault cannot be had for real (SQLITE_BUSY
 * from the WAL switch, an older Node's statements), the binding is wrapped or patched for one test.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOT_FOUND } from '../../src/store.js';
import { type SqliteDatabase, type SqliteDriver, sqliteErrorCode } from '../../src/stores/sqlite/driver/driver.js';
import { loadNodeSqlite } from '../../src/stores/sqlite/driver/node-sqlite.js';
import type { Progress } from '../../src/stores/sqlite/inspect.js';
import { createSqliteStore, type SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectToStore, describeDrivers } from './drivers.js';
import { damageDatabase, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const stores: SqliteStore[] = [];
const peers: SqliteDatabase[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) {
    try {
      store.close();
    } catch {
      // a fault a test left on purpose
    }
  }
  for (const db of peers.splice(0)) db.close();
});

/** The tables of schema 1 (before the stats table), with schema 2's index on fn and its byte triggers. */
const SCHEMA_1 = `
CREATE TABLE entries (
  hash INTEGER PRIMARY KEY, key TEXT NOT NULL, fn TEXT NOT NULL, version TEXT NOT NULL, codec TEXT NOT NULL,
  created_at REAL NOT NULL, expires_at REAL, stale_until REAL, accessed_at REAL NOT NULL,
  size INTEGER NOT NULL, value BLOB, blob TEXT
);
CREATE INDEX entries_fn ON entries (fn);
CREATE INDEX entries_accessed ON entries (accessed_at);
CREATE INDEX entries_blob ON entries (blob) WHERE blob IS NOT NULL;
CREATE INDEX entries_stale ON entries (stale_until) WHERE stale_until IS NOT NULL;
CREATE TABLE leases (hash INTEGER PRIMARY KEY, owner TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta (name, value) VALUES ('bytes', 0);
CREATE TRIGGER entries_bytes_insert AFTER INSERT ON entries BEGIN
  UPDATE meta SET value = value + NEW.size WHERE name = 'bytes';
END;
CREATE TRIGGER entries_bytes_delete AFTER DELETE ON entries BEGIN
  UPDATE meta SET value = value - OLD.size WHERE name = 'bytes';
END;
CREATE TRIGGER entries_bytes_update AFTER UPDATE OF size ON entries BEGIN
  UPDATE meta SET value = value - OLD.size + NEW.size WHERE name = 'bytes';
END;
`;

/** Schema 2's addition: the per-minute counters. */
const STATS_2 = `
CREATE TABLE stats (
  fn TEXT NOT NULL, minute REAL NOT NULL, hits INTEGER NOT NULL DEFAULT 0, misses INTEGER NOT NULL DEFAULT 0,
  stale_hits INTEGER NOT NULL DEFAULT 0, herd_joins INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (fn, minute)
) WITHOUT ROWID;
CREATE INDEX stats_minute ON stats (minute);
`;

describeDrivers('the rest of the sqlite store', (driver: SqliteDriver) => {
  function open(dir: string, options: Partial<Parameters<typeof createSqliteStore>[0]> = {}): SqliteStore {
    const store = createSqliteStore({ dir, driver: driver.name, busyTimeout: 2000, ...options });
    stores.push(store);
    return store;
  }

  function peer(dir: string): SqliteDatabase {
    return connectToStore(driver, dir, peers);
  }

  const names = (db: SqliteDatabase, type: string): string[] =>
    db
      .prepare<[string], string>(
        "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name",
        {
          pluck: true,
        },
      )
      .all(type);

  const bytesOf = (db: SqliteDatabase): { counted: number; summed: number } => ({
    counted: Number(db.prepare("SELECT value FROM meta WHERE name = 'bytes'", { pluck: true }).get()),
    summed: Number(db.prepare('SELECT COALESCE(SUM(size), 0) FROM entries', { pluck: true }).get()),
  });

  /** A cache file as runtime `version` of the schema left it, holding one entry of 100 bytes. */
  function oldCache(dir: string, version: 1 | 2): SqliteDatabase {
    const db = peer(dir);
    db.exec(version === 1 ? SCHEMA_1 : SCHEMA_1 + STATS_2);
    db.prepare(
      `INSERT INTO entries (hash, key, fn, version, codec, created_at, accessed_at, size, value)
       VALUES (?, ?, 'f', '1', 'json', 1000, 1000, 100, '"kept"')`,
    ).run(entryKey('f', 'old').hash, entryKey('f', 'old').text);
    db.pragma(`user_version = ${version}`);
    return db;
  }

  for (const version of [1, 2] as const) {
    it(`migrates a schema-${version} cache in place: entries kept, counters table there, bytes counted once`, async () => {
      const dir = tempDir();
      const db = oldCache(dir, version);
      expect(bytesOf(db)).toEqual({ counted: 100, summed: 100 });
      const store = open(dir);
      expect(store.get(entryKey('f', 'old'))?.value).toBe('kept');
      expect(db.pragma('user_version')).toBe(3);
      expect(names(db, 'table')).toEqual(['entries', 'leases', 'meta', 'stats']);
      // Schema 3 drops the index on fn and the insert and update triggers: the writer counts its bytes.
      expect(names(db, 'trigger')).toEqual(['entries_bytes_delete']);
      expect(names(db, 'index')).toEqual(['entries_accessed', 'entries_blob', 'entries_stale', 'stats_minute']);
      store.set(entryKey('f', 'new'), entry('x'.repeat(500)));
      store.set(entryKey('f', 'old'), entry('replaced'));
      store.recordStats([{ fn: 'f', at: 60_000, hits: 1, misses: 0, staleHits: 0, herdJoins: 0, errors: 0 }]);
      store.close();
      const { counted, summed } = bytesOf(db);
      expect(counted).toBe(summed);
      expect(db.prepare('SELECT fn, hits FROM stats').all()).toEqual([{ fn: 'f', hits: 1 }]);
    });
  }

  for (const version of [4, -1]) {
    it(`refuses a cache of schema ${version} and leaves it as it is`, () => {
      const dir = tempDir();
      const db = peer(dir);
      db.exec('CREATE TABLE other (x)');
      db.pragma(`user_version = ${version}`);
      const store = open(dir);
      expect(() => store.get(entryKey('f', 'x'))).toThrow(
        `has cache schema ${version}, this runtime knows 3; use another cache directory`,
      );
      expect(() => store.set(entryKey('f', 'x'), entry(1))).not.toThrow(); // queued
      expect(db.pragma('user_version')).toBe(version);
      expect(names(db, 'table')).toEqual(['other']);
      // Each refused open closed its connection: this one is the file's only one (else WAL stays).
      expect(db.pragma('journal_mode = DELETE')).toBe('delete');
    });
  }

  it('creates the cache directory with its missing parents', () => {
    const dir = join(tempDir(), 'a', 'b', 'c');
    const store = open(dir);
    store.set(entryKey('f', 'x'), entry(1));
    store.close();
    expect(open(dir).get(entryKey('f', 'x'))?.value).toBe(1);
  });

  /** Opens with the binding, its `journal_mode = WAL` answering SQLITE_BUSY `busy` times first. */
  function busyAtWal(busy: number, attempts: number[]): (file: string, o: { timeout: number }) => SqliteDatabase {
    return (file, o) => {
      const db = driver.open(file, o);
      const pragma = db.pragma.bind(db);
      Object.assign(db, {
        pragma: (sql: string): unknown => {
          if (sql === 'journal_mode = WAL') {
            attempts.push(Date.now());
            if (attempts.length <= busy) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
          }
          return pragma(sql);
        },
      });
      return db;
    };
  }

  it('retries switching a new file to WAL while another process holds it (SQLITE_BUSY), a few ms apart', () => {
    const attempts: number[] = [];
    const dir = tempDir();
    const store = open(dir, { open: busyAtWal(3, attempts) });
    store.set(entryKey('f', 'x'), entry(1));
    store.flush();
    expect(attempts).toHaveLength(4);
    expect(peer(dir).pragma('journal_mode')).toBe('wal');
    expect(store.get(entryKey('f', 'x'))?.value).toBe(1);
  });

  it('gives up switching to WAL once the busy timeout has passed, and throws SQLITE_BUSY', () => {
    const attempts: number[] = [];
    const store = open(tempDir(), { busyTimeout: 400, open: busyAtWal(Number.POSITIVE_INFINITY, attempts) });
    const started = Date.now();
    expect(() => store.functions()).toThrow('database is locked');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(2000);
    // Waits of 1, 2, 4, ... ms, then 50 ms each: 14 attempts in 400 ms, fewer on a busy machine
    // (waits of 50, 100, 200 ms would make 6; waits that shrink, hundreds).
    expect(attempts.length).toBeGreaterThanOrEqual(9);
    expect(attempts.length).toBeLessThanOrEqual(20);
  });

  it('throws at once what is not SQLITE_BUSY while switching to WAL', () => {
    const attempts: number[] = [];
    const store = open(tempDir(), {
      open: (file, o) => {
        const db = busyAtWal(0, attempts)(file, o);
        const pragma = db.pragma.bind(db);
        Object.assign(db, {
          pragma: (sql: string): unknown => {
            if (sql === 'journal_mode = WAL')
              throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
            return pragma(sql);
          },
        });
        return db;
      },
    });
    const started = Date.now();
    expect(() => store.functions()).toThrow('disk I/O error');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('opens and reads while another process holds the write lock (the log is primed when it can be)', () => {
    const dir = tempDir();
    const writer = open(dir);
    writer.set(entryKey('f', 'x'), entry(1));
    writer.close();
    const other = peer(dir);
    other.exec('BEGIN IMMEDIATE');
    try {
      const reader = open(dir, { busyTimeout: 50 });
      expect(reader.get(entryKey('f', 'x'))?.value).toBe(1);
    } finally {
      other.exec('ROLLBACK');
    }
  });

  it("moves a corrupt file's write-ahead log and shared memory aside with it (the copy kept is whole), and starts empty", () => {
    const dir = tempDir();
    const writer = open(dir);
    const keys = Array.from({ length: 300 }, (_, i) => entryKey('f', `row ${i}`));
    for (const key of keys) writer.set(key, entry('x'.repeat(200)));
    writer.close();
    const warnings: string[] = [];
    const store = open(dir, { warn: (message) => warnings.push(message) });
    expect(store.get(entryKey('f', 'none'))).toBeUndefined(); // opens its connection: the log has a frame
    const other = peer(dir); // another process keeps the file open: its log and shared memory stay
    expect(other.prepare('SELECT COUNT(*) FROM entries', { pluck: true }).get()).toBe(300);
    damageDatabase(dir);
    expect(store.entries()).toEqual([]); // finds the damage, moves the file aside
    expect(warnings).toEqual([expect.stringMatching(/moved it to .*cache\.db\.corrupt-\d+ and started a fresh one$/)]);
    const aside = (warnings[0] as string).replace(/.* moved it to (.*) and started a fresh one$/, '$1');
    expect(existsSync(aside)).toBe(true);
    expect(existsSync(`${aside}-wal`)).toBe(true);
    expect(existsSync(`${aside}-shm`)).toBe(true);
    // The fresh file has nothing of the old one, and takes new entries.
    expect(store.get(keys[0] as ReturnType<typeof entryKey>)).toBeUndefined();
    store.set(entryKey('f', 'new'), entry('fresh'));
    store.flush();
    expect(store.entries().map((info) => info.args)).toEqual(['new']);
    const fresh = driver.open(join(dir, 'cache.db'), { timeout: 1000 });
    peers.push(fresh);
    expect(fresh.prepare('PRAGMA integrity_check', { pluck: true }).get()).toBe('ok');
    expect(fresh.prepare('SELECT COUNT(*) FROM entries', { pluck: true }).get()).toBe(1);
  });

  /** The size the store charges for `value` at `key`, as written by a store of its own. */
  function sizeOf(key: ReturnType<typeof entryKey>, value: unknown): number {
    const dir = tempDir();
    const store = open(dir);
    store.set(key, entry(value));
    store.close();
    return Number(peer(dir).prepare('SELECT size FROM entries', { pluck: true }).get());
  }

  it('writes its byte count once the bytes it holds back reach 1% of the limit, exactly', () => {
    const [a, b] = [entryKey('f', 'a'), entryKey('f', 'b')];
    const size = sizeOf(a, 'x'.repeat(1000));
    const dir = tempDir();
    const db = peer(dir);
    // 1% of this limit is one entry's size minus a byte: one entry is held back, two reach it.
    const store = open(dir, { maxBytes: (2 * size - 1) * 100 });
    store.set(a, entry('x'.repeat(999)));
    store.flush();
    expect(bytesOf(db).counted).toBe(0); // held back
    const held = bytesOf(db).summed;
    expect(held).toBe(size - 1);
    store.set(b, entry('x'.repeat(1000)));
    store.flush();
    expect(bytesOf(db)).toEqual({ counted: 2 * size - 1, summed: 2 * size - 1 });
  });

  it('writes its byte count at once above 1 MiB, whatever the limit', () => {
    const dir = tempDir();
    const db = peer(dir);
    const store = open(dir, { maxBytes: 1024 ** 3 }); // 1% would be 10.7 MB
    store.set(entryKey('f', 'big'), entry('x'.repeat(1024 * 1024)));
    store.flush();
    const { counted, summed } = bytesOf(db);
    expect(summed).toBeGreaterThan(1024 * 1024);
    expect(counted).toBe(summed);
    store.set(entryKey('f', 'small'), entry('x'.repeat(1000)));
    store.flush();
    expect(bytesOf(db).counted).toBe(summed); // the small one is held back
  });

  it('writes its byte count when a smaller value replaces a larger one by 1% of the limit or more', () => {
    const dir = tempDir();
    const db = peer(dir);
    const store = open(dir, { maxBytes: 1_000_000 }); // 1%: 10 000 bytes
    const key = entryKey('f', 'k');
    store.set(key, entry('x'.repeat(20_000)));
    store.flush();
    expect(bytesOf(db).counted).toBe(bytesOf(db).summed);
    store.set(key, entry('small'));
    store.flush();
    const { counted, summed } = bytesOf(db);
    expect(summed).toBeLessThan(1000);
    expect(counted).toBe(summed);
  });

  it('counts its bytes once after gc recounted them (what it held back is in the recount)', () => {
    const dir = tempDir();
    const db = peer(dir);
    const store = open(dir, { maxBytes: 1_000_000 });
    store.set(entryKey('f', 'k'), entry('x'.repeat(5000)));
    store.flush();
    expect(bytesOf(db).counted).toBe(0); // held back
    store.gc();
    expect(bytesOf(db).counted).toBe(bytesOf(db).summed);
    store.close(); // settles what it holds back: nothing now
    expect(bytesOf(db).counted).toBe(bytesOf(db).summed);
  });

  it('checks the size limit against the shared count plus the bytes it holds back', () => {
    const dir = tempDir();
    const db = peer(dir);
    const store = open(dir, { maxBytes: 1_000_000 }); // 1%: 10 000 bytes
    const keys = ['a', 'b', 'c'].map((name) => entryKey('f', name));
    store.set(keys[0] as ReturnType<typeof entryKey>, entry('x'.repeat(4000)));
    store.flush();
    store.set(keys[1] as ReturnType<typeof entryKey>, entry('x'.repeat(4000)));
    store.flush();
    expect(bytesOf(db).counted).toBe(0); // about 8 000 bytes held back
    // Other processes wrote 995 000 bytes: with what this one holds back, the next write passes the limit.
    db.exec("UPDATE meta SET value = 995000 WHERE name = 'bytes'");
    store.set(keys[2] as ReturnType<typeof entryKey>, entry('x'.repeat(100)));
    store.flush();
    expect(store.get(keys[0] as ReturnType<typeof entryKey>)).toBeUndefined(); // least recently used, evicted
  });
});

describeDrivers('a binding under the store', (driver: SqliteDriver) => {
  function open(dir: string, options: Partial<Parameters<typeof createSqliteStore>[0]> = {}): SqliteStore {
    const store = createSqliteStore({ dir, driver: driver.name, busyTimeout: 2000, ...options });
    stores.push(store);
    return store;
  }

  function memory(): SqliteDatabase {
    const db = driver.open(':memory:', { timeout: 100 });
    peers.push(db);
    db.exec('CREATE TABLE t (h INTEGER PRIMARY KEY, v TEXT)');
    return db;
  }

  it('says truly whether text read back keeps a NUL character', () => {
    const db = memory();
    const text = db.prepare('SELECT ? AS t', { pluck: true }).get('a\u0000b');
    expect(db.readsNul).toBe(text === 'a\u0000b');
  });

  it('reports the rows a write changed as a number, also for a 64-bit rowid', () => {
    const db = memory();
    const insert = db.prepare('INSERT INTO t (h, v) VALUES (?, ?)');
    expect(insert.run(-(2n ** 62n) - 3n, 'a')).toMatchObject({ changes: 1 });
    expect(insert.run(2n ** 62n + 5n, 'b').changes).toBe(1);
    const remove = db.prepare('DELETE FROM t WHERE h = ?');
    expect(remove.run(2n ** 62n + 5n).changes).toBe(1);
    expect(remove.run(2n ** 62n + 5n).changes).toBe(0);
    expect(db.prepare('  update t SET v = ? WHERE h = ?').run('c', -(2n ** 62n) - 3n).changes).toBe(1);
    expect(db.prepare('REPLACE INTO t (h, v) VALUES (?, ?)').run(7n, 'd').changes).toBe(1);
    expect(db.prepare<[], { h: bigint; v: string }>('SELECT h, v FROM t ORDER BY h', { bigints: true }).all()).toEqual([
      { h: -(2n ** 62n) - 3n, v: 'c' },
      { h: 7n, v: 'd' },
    ]);
  });

  it('shapes rows as asked: objects, arrays in column order, the first column, bigints', () => {
    const db = memory();
    db.prepare('INSERT INTO t (h, v) VALUES (?, ?)').run(2n ** 60n, 'x');
    const sql = 'SELECT v, h FROM t';
    expect(db.prepare('SELECT v, h % 1000 AS h FROM t').get()).toEqual({ v: 'x', h: 976 });
    expect(db.prepare(sql, { raw: true, bigints: true }).get()).toEqual(['x', 2n ** 60n]);
    expect(db.prepare('SELECT v, h % 1000 FROM t', { pluck: true }).all()).toEqual(['x']);
    expect(db.prepare('SELECT v, h % 1000 FROM t', { raw: true }).all()).toEqual([['x', 976]]);
    expect(db.prepare('SELECT h FROM t', { pluck: true, bigints: true }).get()).toBe(2n ** 60n);
    expect(db.prepare('SELECT h FROM t WHERE h = 0', { pluck: true }).get()).toBeUndefined();
    expect(db.prepare('SELECT h FROM t WHERE h = 0', { raw: true }).get()).toBeUndefined();
    expect(db.pragma('synchronous = NORMAL')).toBeUndefined(); // a pragma with no row
    expect(db.pragma('user_version')).toBe(0);
  });

  it('nests a transaction as a savepoint: the inner one rolls back alone, the outer commits', () => {
    const db = memory();
    const insert = db.prepare('INSERT INTO t (h, v) VALUES (?, ?)');
    const result = db.transaction(() => {
      insert.run(1n, 'outer');
      expect(() =>
        db.transaction(() => {
          insert.run(2n, 'inner');
          db.transaction(() => insert.run(3n, 'innermost'));
          throw new Error('inner failed');
        }),
      ).toThrow('inner failed');
      db.transaction(() => insert.run(4n, 'second inner'));
      return 'done';
    });
    expect(result).toBe('done');
    expect(db.prepare('SELECT v FROM t ORDER BY h', { pluck: true }).all()).toEqual(['outer', 'second inner']);
    // The outer transaction committed: another one can start.
    db.transaction(() => insert.run(5n, 'after'));
    expect(() => db.transaction(() => insert.run(5n, 'again'))).toThrow();
    expect(db.prepare('SELECT COUNT(*) FROM t', { pluck: true }).get()).toBe(3);
  });

  it('takes the write lock when a transaction begins, and rolls a failed one back', () => {
    const dir = tempDir();
    open(dir).functions();
    const file = join(dir, 'cache.db');
    const [db, other] = [driver.open(file, { timeout: 0 }), driver.open(file, { timeout: 0 })];
    peers.push(db, other);
    const write = "UPDATE meta SET value = value + 1 WHERE name = 'bytes'";
    db.transaction(() => {
      db.prepare("SELECT value FROM meta WHERE name = 'bytes'", { pluck: true }).get(); // only a read so far
      expect(() => other.exec(write)).toThrow(); // yet the lock is taken (BEGIN IMMEDIATE)
      db.exec(write);
    });
    const failure = new Error('failed');
    expect(() =>
      db.transaction(() => {
        db.exec(write);
        throw failure;
      }),
    ).toThrow(failure);
    other.exec(write); // the failed transaction let the lock go
    expect(other.prepare("SELECT value FROM meta WHERE name = 'bytes'", { pluck: true }).get()).toBe(2);
  });

  it('throws the error of a transaction SQLite already rolled back itself', () => {
    const db = memory();
    const failure = new Error('the disk is full');
    expect(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO t (h, v) VALUES (1, ?)').run('x');
        db.exec('ROLLBACK'); // as SQLite does by itself after some errors
        throw failure;
      }),
    ).toThrow(failure);
    expect(db.prepare('SELECT COUNT(*) FROM t', { pluck: true }).get()).toBe(0);
  });

  it("opens read-only when asked, and waits its timeout on another connection's lock", () => {
    const dir = tempDir();
    open(dir).functions();
    const file = join(dir, 'cache.db');
    const reader = driver.open(file, { timeout: 0, readonly: true });
    peers.push(reader);
    expect(() => reader.exec("UPDATE meta SET value = 1 WHERE name = 'bytes'")).toThrow();
    expect(reader.prepare('SELECT COUNT(*) FROM entries', { pluck: true }).get()).toBe(0);
    const [holder, waiter] = [driver.open(file, { timeout: 0 }), driver.open(file, { timeout: 300 })];
    peers.push(holder, waiter);
    holder.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    try {
      expect(() => waiter.exec('BEGIN IMMEDIATE')).toThrow();
    } finally {
      holder.exec('ROLLBACK');
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('throws both errors when a failed inner transaction cannot be rolled back', () => {
    const db = memory();
    const failure = new Error('the work failed');
    let thrown: unknown;
    db.transaction(() => {
      try {
        db.transaction(() => {
          db.exec(driver.name === 'node:sqlite' ? 'RELEASE cachet_1' : 'SELECT 1');
          throw failure;
        });
      } catch (error) {
        thrown = error;
      }
    });
    if (driver.name === 'node:sqlite') {
      // Its savepoint is gone: the rollback fails too, and both are thrown.
      expect(thrown).toBeInstanceOf(AggregateError);
      expect((thrown as AggregateError).errors[0]).toBe(failure);
      expect(String((thrown as AggregateError).errors[1])).toMatch(/no such savepoint: cachet_1/);
      expect((thrown as AggregateError).message).toBe('a failed transaction could not be rolled back');
    } else {
      expect(thrown).toBe(failure);
    }
  });

  it('names the primary result code of its errors', () => {
    const dir = tempDir();
    open(dir).functions();
    const [one, two] = [
      driver.open(join(dir, 'cache.db'), { timeout: 0 }),
      driver.open(join(dir, 'cache.db'), { timeout: 0 }),
    ];
    peers.push(one, two);
    one.exec('BEGIN IMMEDIATE');
    let busy: unknown;
    try {
      two.exec('BEGIN IMMEDIATE');
    } catch (error) {
      busy = error;
    }
    one.exec('ROLLBACK');
    expect(sqliteErrorCode(busy)).toBe('SQLITE_BUSY');
    let constraint: unknown;
    const db = memory();
    db.prepare('INSERT INTO t (h, v) VALUES (1, 1)').run();
    try {
      db.prepare('INSERT INTO t (h, v) VALUES (1, 1)').run();
    } catch (error) {
      constraint = error; // SQLITE_CONSTRAINT_PRIMARYKEY, an extended code
    }
    expect(sqliteErrorCode(constraint)).toBe('SQLITE_CONSTRAINT');
  });

  it('runs the store on a binding that cuts text at NUL, reading the key text as bytes', async () => {
    const dir = tempDir();
    // As Node 22's node:sqlite reads: text stops at its first NUL.
    const cut = (value: unknown): unknown =>
      typeof value === 'string' && value.includes('\u0000') ? value.slice(0, value.indexOf('\u0000')) : value;
    const cutRow = (row: unknown): unknown => {
      if (Array.isArray(row)) return row.map(cut);
      if (typeof row !== 'object' || row === null || row instanceof Uint8Array) return cut(row);
      return Object.fromEntries(Object.entries(row).map(([name, value]) => [name, cut(value)]));
    };
    const cutting = (file: string, o: { timeout: number }): SqliteDatabase => {
      const db = driver.open(file, o);
      return Object.assign(Object.create(db) as SqliteDatabase, {
        readsNul: false,
        prepare: (sql: string, shape?: object) => {
          const statement = db.prepare(sql, shape);
          return {
            run: (...params: unknown[]) => statement.run(...params),
            get: (...params: unknown[]) => {
              const row = statement.get(...params);
              return row === undefined ? undefined : cutRow(row);
            },
            all: (...params: unknown[]) => statement.all(...params).map(cutRow),
          };
        },
      });
    };
    const store = open(dir, { open: cutting, inlineLimit: 64 });
    const [a, b] = [entryKey('f', 'a\u0000b'), entryKey('f', 'a')];
    store.set(a, entry('value of a NUL b'));
    store.set(b, entry('x'.repeat(100))); // in a blob file
    store.flush();
    expect(store.get(a)?.value).toBe('value of a NUL b');
    expect(store.getFresh(b, 0)).toBe('x'.repeat(100));
    expect(
      store
        .entries()
        .map((info) => info.key)
        .sort(),
    ).toEqual([b.text, a.text].sort());
    expect(store.entries({ keys: [a.text] }).map((info) => info.args)).toEqual(['a\u0000b']);
    // A row at the same hash with other key text (one NUL shorter) is not this key's.
    peerOf(dir).prepare('UPDATE entries SET key = ? WHERE hash = ?').run('f\u00001\u0000a', a.hash);
    store.close();
    const again = open(dir, { open: cutting });
    expect(again.get(a)).toBeUndefined();
    expect(again.getFresh(a, 0)).toBe(NOT_FOUND);
  });

  function peerOf(dir: string): SqliteDatabase {
    return connectToStore(driver, dir, peers);
  }
});

describe('sqliteErrorCode', () => {
  it('names the primary code from either binding’s error, and nothing from other errors', () => {
    expect(sqliteErrorCode(Object.assign(new Error('x'), { code: 'SQLITE_BUSY_SNAPSHOT' }))).toBe('SQLITE_BUSY');
    expect(sqliteErrorCode({ code: 'SQLITE_NOTADB' })).toBe('SQLITE_NOTADB');
    expect(sqliteErrorCode({ code: 'ERR_SQLITE_ERROR', errcode: 11 })).toBe('SQLITE_CORRUPT');
    expect(sqliteErrorCode({ code: 'ERR_SQLITE_ERROR', errcode: 26 })).toBe('SQLITE_NOTADB');
    expect(sqliteErrorCode({ code: 'ERR_SQLITE_ERROR', errcode: 0 })).toBe('SQLITE_OK');
    expect(sqliteErrorCode({ code: 'ERR_SQLITE_ERROR', errcode: 517 })).toBe('SQLITE_BUSY'); // BUSY_SNAPSHOT
    expect(sqliteErrorCode({ code: 'ERR_SQLITE_ERROR', errcode: 27 })).toBeUndefined(); // a notice, no error
    expect(sqliteErrorCode({ code: 'ERR_SQLITE_ERROR', errcode: '5' })).toBeUndefined();
    expect(sqliteErrorCode({ code: 'ERR_OTHER', errcode: 5 })).toBeUndefined();
    expect(sqliteErrorCode({ code: 'ENOENT' })).toBeUndefined();
    expect(sqliteErrorCode({ code: 5 })).toBeUndefined();
    expect(sqliteErrorCode({})).toBeUndefined();
    expect(sqliteErrorCode(null)).toBeUndefined();
    expect(sqliteErrorCode('SQLITE_BUSY')).toBeUndefined();
  });

  it("names every primary code of node:sqlite as better-sqlite3 names it (SQLite's numbering)", () => {
    const names =
      'OK ERROR INTERNAL PERM ABORT BUSY LOCKED NOMEM READONLY INTERRUPT IOERR CORRUPT NOTFOUND FULL CANTOPEN PROTOCOL EMPTY SCHEMA TOOBIG CONSTRAINT MISMATCH MISUSE NOLFS AUTH FORMAT RANGE NOTADB';
    const codes = names.split(' ').map((name) => `SQLITE_${name}`);
    expect(codes.map((_, errcode) => sqliteErrorCode({ code: 'ERR_SQLITE_ERROR', errcode }))).toEqual(codes);
    // An extended code names its primary one in its low byte (SQLITE_IOERR_READ is 266).
    expect(sqliteErrorCode({ code: 'ERR_SQLITE_ERROR', errcode: 266 })).toBe('SQLITE_IOERR');
  });
});

describe('the node:sqlite adapter', () => {
  const nodeSqlite = process.getBuiltinModule('node:sqlite') as
    | { DatabaseSync: new (file: string) => { prepare(sql: string): object; close(): void } }
    | undefined;

  it.runIf(nodeSqlite !== undefined)(
    'runs the store on a Node whose statements cannot return arrays (rows as objects in column order)',
    () => {
      const probe = new (nodeSqlite as NonNullable<typeof nodeSqlite>).DatabaseSync(':memory:');
      const prototype = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { setReturnArrays?: unknown };
      probe.close();
      const setReturnArrays = prototype.setReturnArrays;
      delete prototype.setReturnArrays;
      try {
        const older = loadNodeSqlite();
        if (older === undefined) throw new Error('node:sqlite did not load');
        const dir = tempDir();
        const clock = { now: 1_000_000 };
        const store = createSqliteStore({
          dir,
          open: older.open,
          inlineLimit: 64,
          maxBytes: 4000,
          now: () => clock.now,
        });
        stores.push(store);
        const keys = Array.from({ length: 12 }, (_, i) => entryKey('f', `k${i}`));
        keys.forEach((key, i) => {
          store.set(
            key,
            entry(i === 0 ? 'x'.repeat(100) : `value ${i}`, 'json', { expiresAt: 2_000_000, staleUntil: 2_000_000 }),
          );
        });
        store.flush();
        expect(store.get(keys[0] as ReturnType<typeof entryKey>)?.value).toBe('x'.repeat(100)); // a blob file
        expect(store.getFresh(keys[5] as ReturnType<typeof entryKey>, clock.now)).toBe('value 5');
        expect(store.get(entryKey('f', 'other'))).toBeUndefined();
        expect(store.functions()).toEqual([{ fn: 'f', entries: 12, bytes: expect.any(Number) }]);
        const listed = store.entries({ limit: 3 });
        expect(listed).toHaveLength(3);
        expect(listed[0]?.hash).toMatch(/^[0-9a-f]{16}$/);
        expect(store.value(listed[0]?.hash as string)).toEqual({ value: expect.any(String) });
        expect(store.acquireLease(entryKey('f', 'leased'), 60_000)).toBe(true);
        expect(store.acquireLease(entryKey('f', 'leased'), 60_000)).toBe(true); // its own, again
        expect(store.acquireLease(keys[1] as ReturnType<typeof entryKey>, 60_000)).toBe(false); // fresh entry
        // Past the size limit: the least recently used go (their 64-bit hashes read back whole).
        clock.now += 60_000;
        for (let i = 1; i < 12; i++) store.get(keys[i] as ReturnType<typeof entryKey>);
        store.set(entryKey('f', 'big'), entry('y'.repeat(3000)));
        store.flush();
        expect(store.get(keys[0] as ReturnType<typeof entryKey>)).toBeUndefined();
        clock.now = 3_000_000; // every entry past its stale window
        expect(store.gc()).toBeGreaterThan(0);
        expect(store.entries().map((info) => info.args)).toEqual(['big']); // kept forever
      } finally {
        prototype.setReturnArrays = setReturnArrays;
      }
    },
  );

  it.runIf(nodeSqlite !== undefined)(
    'holds back the ExperimentalWarning of loading node:sqlite, and only that one',
    () => {
      const load = process.getBuiltinModule.bind(process);
      const heard: string[] = [];
      const emit = vi.spyOn(process, 'emitWarning').mockImplementation(((warning: string | Error) => {
        heard.push(typeof warning === 'string' ? warning : `${warning.name}: ${warning.message}`);
      }) as typeof process.emitWarning);
      const builtin = vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => {
        // What Node 22 prints while node:sqlite is experimental, in each form emitWarning takes.
        process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('SQLite is an experimental feature', { type: 'ExperimentalWarning' } as never);
        const error = new Error('SQLite is an experimental feature');
        error.name = 'ExperimentalWarning';
        process.emitWarning(error);
        process.emitWarning('Fetch is an experimental feature', 'ExperimentalWarning');
        process.emitWarning('SQLite is going away', 'DeprecationWarning');
        process.emitWarning('SQLite, said without a type');
        return load(id);
      }) as typeof process.getBuiltinModule);
      try {
        expect(loadNodeSqlite()?.name).toBe('node:sqlite');
      } finally {
        builtin.mockRestore();
      }
      expect(process.emitWarning).toBe(emit); // put back
      emit.mockRestore();
      expect(heard).toEqual([
        'Fetch is an experimental feature',
        'SQLite is going away',
        'SQLite, said without a type',
      ]);
    },
  );

  it('is not there on a Node without node:sqlite', () => {
    const builtin = vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    try {
      expect(loadNodeSqlite()).toBeUndefined();
    } finally {
      builtin.mockRestore();
    }
  });
});

describeDrivers('what the CLI and the dashboard read', (driver: SqliteDriver) => {
  const MINUTE = 60_000;
  type Key = ReturnType<typeof entryKey>;

  function open(dir: string, now: () => number, inlineLimit = 1000): SqliteStore {
    const store = createSqliteStore({ dir, driver: driver.name, now, inlineLimit });
    stores.push(store);
    return store;
  }

  function peerOf(dir: string): SqliteDatabase {
    return connectToStore(driver, dir, peers);
  }

  /** A key of `fn` whose unsigned hash has a leading zero digit (the hex is padded). */
  function smallHashKey(fn: string): Key {
    for (let i = 0; ; i++) {
      const key = entryKey(fn, `small${i}`);
      if (BigInt.asUintN(64, key.hash) < 2n ** 60n && key.hash >= 0n) return key;
    }
  }

  it('lists an entry with every field: hex address, key text and its arguments, times, size, blob', () => {
    const clock = { now: 10 * MINUTE };
    const dir = tempDir();
    const store = open(dir, () => clock.now, 50);
    const small = smallHashKey('f');
    const negative = (() => {
      for (let i = 0; ; i++) {
        const key = entryKey('f', `neg\u0000${i}`, '2');
        if (key.hash < 0n) return key;
      }
    })();
    store.set(
      small,
      entry('inline', 'json', { createdAt: 5 * MINUTE, expiresAt: 20 * MINUTE, staleUntil: 30 * MINUTE }),
    );
    store.set(negative, entry('b'.repeat(100), 'v8', { createdAt: 6 * MINUTE }));
    store.flush();
    const listed = store.entries({ fn: 'f' });
    const info = listed.find((row) => row.args === small.text.split('\u0000')[2]);
    expect(info).toEqual({
      hash: BigInt.asUintN(64, small.hash).toString(16).padStart(16, '0'),
      fn: 'f',
      version: '1',
      key: small.text,
      args: small.text.split('\u0000')[2],
      codec: 'json',
      createdAt: 5 * MINUTE,
      expiresAt: 20 * MINUTE,
      staleUntil: 30 * MINUTE,
      accessedAt: 10 * MINUTE,
      size: expect.any(Number),
      blob: null,
    });
    expect(info?.hash).toMatch(/^0[0-9a-f]{15}$/);
    expect(info?.size).toBe(
      Number(peerOf(dir).prepare('SELECT size FROM entries WHERE hash = ?', { pluck: true }).get(small.hash)),
    );
    const big = listed.find((row) => row.version === '2');
    expect(big).toMatchObject({
      hash: BigInt.asUintN(64, negative.hash).toString(16),
      key: negative.text,
      args: negative.text.split('\u0000').slice(2).join('\u0000'), // the arguments keep their own NUL
      codec: 'v8',
      expiresAt: null,
      staleUntil: null,
      blob: expect.stringMatching(/./),
    });
    expect(store.value(big?.hash as string)).toEqual({ value: 'b'.repeat(100) }); // from its blob file
    expect(store.value(info?.hash as string)).toEqual({ value: 'inline' });
    // A row whose key text does not start with its fn and version: the whole key is its arguments.
    peerOf(dir).prepare('UPDATE entries SET key = ? WHERE hash = ?').run('elsewhere', small.hash);
    expect(store.entries({ keys: ['elsewhere'] }).map((row) => [row.key, row.args])).toEqual([
      ['elsewhere', 'elsewhere'],
    ]);
  });

  it('selects by function, key text, contained text, expiry window, limit and offset, in its order', () => {
    const clock = { now: 100 * MINUTE };
    const store = open(tempDir(), () => clock.now);
    const times = (minutes: number | undefined, created: number) =>
      minutes === undefined
        ? { createdAt: created }
        : { createdAt: created, expiresAt: minutes * MINUTE, staleUntil: minutes * MINUTE };
    // name, fn, expiry in minutes, created at
    const rows: [string, string, number | undefined, number][] = [
      ['a', 'f', 90, 1],
      ['b', 'f', 110, 2],
      ['c', 'g', 120, 3],
      ['d', 'f', undefined, 4],
      ['e', 'g', 110, 5],
      ['needle-x', 'h', 130, 6],
    ];
    for (const [name, fn, expiry, created] of rows) {
      store.set(entryKey(fn, name), entry(name, 'json', times(expiry, created)));
    }
    store.flush();
    const names = (query: Parameters<SqliteStore['entries']>[0]) => store.entries(query).map((info) => info.args);
    // Same access time: newest first.
    expect(names({})).toEqual(['needle-x', 'e', 'd', 'c', 'b', 'a']);
    clock.now += MINUTE;
    store.get(entryKey('f', 'a')); // read a minute later: most recently used
    expect(names({})).toEqual(['a', 'needle-x', 'e', 'd', 'c', 'b']);
    expect(names({ limit: 2 })).toEqual(['a', 'needle-x']);
    expect(names({ limit: 2, offset: 2 })).toEqual(['e', 'd']);
    expect(names({ offset: 5 })).toEqual(['b']);
    expect(names({ fn: 'g' })).toEqual(['e', 'c']);
    expect(names({ keys: [entryKey('f', 'b').text, entryKey('g', 'c').text, 'none'] })).toEqual(['c', 'b']);
    expect(names({ keys: [] })).toEqual([]);
    expect(names({ contains: 'needle' })).toEqual(['needle-x']);
    expect(names({ contains: 'f\u00001\u0000' })).toEqual(['a', 'd', 'b']);
    expect(names({ fn: 'f', contains: 'b' })).toEqual(['b']);
    // Expiring: soonest first, then by fn; both ends of the window are exact.
    expect(names({ expiringBefore: 120 * MINUTE })).toEqual(['a', 'b', 'e', 'c']);
    expect(names({ expiringBefore: 120 * MINUTE, expiringAfter: 90 * MINUTE })).toEqual(['b', 'e', 'c']);
    expect(names({ expiringBefore: 110 * MINUTE - 1, expiringAfter: 90 * MINUTE - 1 })).toEqual(['a']);
    expect(names({ expiringBefore: 130 * MINUTE, fn: 'g', limit: 1 })).toEqual(['e']);
  });

  it('lists 100 entries unless told otherwise', () => {
    const store = open(tempDir(), () => 1000);
    for (let i = 0; i < 101; i++) store.set(entryKey('f', String(i)), entry(i));
    store.flush();
    expect(store.entries()).toHaveLength(100);
    expect(store.entries({ limit: 101 })).toHaveLength(101);
  });

  it('summarises each function: entries, bytes, versions in order, blob files, expired rows, last access', () => {
    const clock = { now: 50 * MINUTE };
    const dir = tempDir();
    const store = open(dir, () => clock.now, 50);
    const forever = { createdAt: 1 };
    store.set(
      entryKey('f', 'a', '2'),
      entry('x', 'json', { createdAt: 1, expiresAt: 60 * MINUTE, staleUntil: 70 * MINUTE }),
    );
    store.set(entryKey('f', 'b', '10'), entry('y'.repeat(100), 'json', forever)); // a blob file
    clock.now = 55 * MINUTE;
    store.set(
      entryKey('f', 'c', '1'),
      entry('z', 'json', { createdAt: 1, expiresAt: 60 * MINUTE, staleUntil: 60 * MINUTE }),
    );
    store.set(entryKey('f', 'd', '2'), entry('w', 'json', forever));
    store.set(
      entryKey('g', 'a'),
      entry('v', 'json', { createdAt: 1, expiresAt: 10 * MINUTE, staleUntil: 10 * MINUTE }),
    );
    store.flush();
    clock.now = 60 * MINUTE; // c's stale window ends now; a's in ten minutes
    const bytes = (fn: string) =>
      Number(peerOf(dir).prepare('SELECT SUM(size) FROM entries WHERE fn = ?', { pluck: true }).get(fn));
    expect(store.summary()).toEqual([
      {
        fn: 'f',
        entries: 4,
        bytes: bytes('f'),
        versions: ['1', '10', '2'],
        blobs: 1,
        expired: 1,
        lastAccess: 55 * MINUTE,
      },
      { fn: 'g', entries: 1, bytes: bytes('g'), versions: ['1'], blobs: 0, expired: 1, lastAccess: 55 * MINUTE },
    ]);
    // gc hears how many it will remove: the same two.
    const heard: Progress[] = [];
    expect(store.gc((progress) => heard.push(progress))).toBe(2);
    expect(heard.filter((progress) => progress.phase === 'expired')).toEqual([
      { phase: 'expired', done: 0, total: 2 },
      { phase: 'expired', done: 2, total: 2 },
    ]);
  });

  it('reads a value of an in-memory store, and none at an address with no entry', () => {
    const store = createSqliteStore({ dir: ':memory:', driver: driver.name });
    stores.push(store);
    store.set(entryKey('f', 'a'), entry(1));
    store.flush();
    const [info] = store.entries();
    expect(store.value(info?.hash as string)).toEqual({ value: 1 });
    expect(store.value('0'.repeat(16))).toBeUndefined();
  });

  it('prunes by creation or last read, per function, in batches it reports, removing blob files', () => {
    const clock = { now: 10 * MINUTE };
    const dir = tempDir();
    const store = open(dir, () => clock.now, 50);
    for (let i = 0; i < 520; i++) {
      store.set(
        entryKey(i % 2 === 0 ? 'f' : 'g', String(i)),
        entry(i, 'json', { createdAt: i < 510 ? MINUTE : 3 * MINUTE }),
      );
    }
    const blobKey = entryKey('f', 'blob');
    store.set(blobKey, entry('x'.repeat(100), 'json', { createdAt: MINUTE }));
    store.flush();
    const blobFiles = (): string[] =>
      existsSync(join(dir, 'blobs'))
        ? readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true })
            .filter((file) => file.isFile())
            .map((file) => file.name)
        : [];
    expect(blobFiles()).toHaveLength(1);
    clock.now += MINUTE;
    store.get(entryKey('g', '1')); // read at 11 minutes
    // Created before 2 minutes, of g: 255 entries.
    expect(store.prune({ before: 2 * MINUTE, by: 'created', fn: 'g' })).toBe(255);
    const heard: Progress[] = [];
    // Created before 2 minutes (f's 255 and the blob entry): two batches of at most 500.
    expect(store.prune({ before: 2 * MINUTE, by: 'created' }, (progress) => heard.push(progress))).toBe(256);
    expect(heard).toEqual([
      { phase: 'prune', done: 0, total: 256 },
      { phase: 'prune', done: 256, total: 256 },
    ]);
    expect(blobFiles()).toEqual([]);
    expect(store.get(blobKey)).toBeUndefined();
    // Left: the ten created at 3 minutes, all last read at 10 minutes (none read since).
    expect(store.entries({ limit: 1000 })).toHaveLength(10);
    expect(store.prune({ before: 10 * MINUTE, by: 'accessed' })).toBe(0);
    expect(store.prune({ before: 10 * MINUTE + 1, by: 'accessed', fn: 'f' })).toBe(5);
    expect(store.prune({ before: 10 * MINUTE + 1, by: 'accessed' })).toBe(5);
    expect(store.entries()).toEqual([]);
  });

  it('reports a total no smaller than what it removed when another process adds rows while it prunes', () => {
    const dir = tempDir();
    const store = open(dir, () => MINUTE);
    for (let i = 0; i < 600; i++) store.set(entryKey('f', String(i)), entry(i));
    store.flush();
    const other = peerOf(dir);
    const insert = other.prepare(
      `INSERT INTO entries (hash, key, fn, version, codec, created_at, accessed_at, size, value)
       VALUES (?, ?, 'f', '1', 'json', 1, 1, 10, '1')`,
    );
    const heard: Progress[] = [];
    const removed = store.prune({ before: 2 * MINUTE, by: 'created' }, (progress) => {
      heard.push(progress);
      if (progress.done === 500) for (let i = 0; i < 200; i++) insert.run(BigInt(i + 1), `late ${i}`);
    });
    expect(removed).toBe(800);
    expect(heard).toEqual([
      { phase: 'prune', done: 0, total: 600 },
      { phase: 'prune', done: 500, total: 600 },
      { phase: 'prune', done: 800, total: 800 },
    ]);
  });

  it('prunes more than one batch, reporting each', () => {
    const dir = tempDir();
    const store = open(dir, () => MINUTE);
    for (let i = 0; i < 1001; i++) store.set(entryKey('f', String(i)), entry(i));
    store.flush();
    const heard: Progress[] = [];
    expect(store.prune({ before: 2 * MINUTE, by: 'created' }, (progress) => heard.push(progress))).toBe(1001);
    expect(heard).toEqual([
      { phase: 'prune', done: 0, total: 1001 },
      { phase: 'prune', done: 500, total: 1001 },
      { phase: 'prune', done: 1000, total: 1001 },
      { phase: 'prune', done: 1001, total: 1001 },
    ]);
  });
});
