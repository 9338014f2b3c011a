import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { expectError } from '../../../../test/support/expect-error.js';
import type { SyncStore } from '../../src/store.js';
import { type SqliteDatabase, textColumn, textOf } from '../../src/stores/sqlite/driver/driver.js';
import { createSqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectTo, describeDrivers } from './drivers.js';
import { manualClock, nextTick, recordingLogger, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const stores: SyncStore[] = [];
const peers: SqliteDatabase[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const db of peers.splice(0)) db.close();
});

interface Row {
  hash: bigint;
  key: string | Uint8Array;
  fn: string;
  version: string;
  codec: string;
  created_at: number;
  expires_at: number | null;
  stale_until: number | null;
  accessed_at: number;
  size: bigint;
  value: string | Uint8Array | null;
  blob: string | null;
}

/** Every row, in key order (the key text read whole, also where the binding cuts text at NUL). */
function rows(db: SqliteDatabase): Row[] {
  return db
    .prepare<[], Row>(`SELECT *, ${textColumn(db, 'key')} FROM entries ORDER BY key`, { bigints: true })
    .all()
    .map((row) => ({ ...row, key: textOf(row.key) }));
}

describeDrivers('sqlite store', (driver) => {
  function open(options: Parameters<typeof createSqliteStore>[0]): SyncStore {
    const store = createSqliteStore({ driver: driver.name, ...options });
    stores.push(store);
    return store;
  }

  /** A second connection to the same file, as another process would see it (integers as bigints). */
  function peer(dir: string, readonly = true): SqliteDatabase {
    const db = connectTo(driver, join(dir, 'cache.db'), readonly);
    peers.push(db);
    return db;
  }

  it('keeps one row per entry: signed xxh64 address, key text, fn, version, codec, times, size, value', async () => {
    const dir = tempDir();
    const clock = manualClock(5000);
    const store = open({ dir, now: clock.now });
    const key = entryKey('src/users.ts#load', '[1]', '3');
    store.set(key, entry({ name: 'Ada' }, 'json', { createdAt: 5000, expiresAt: 65_000, staleUntil: 70_000 }));
    await store.close();
    const [row, ...rest] = rows(peer(dir));
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      hash: key.hash,
      key: key.text,
      fn: 'src/users.ts#load',
      version: '3',
      codec: 'json',
      created_at: 5000,
      expires_at: 65_000,
      stale_until: 70_000,
      accessed_at: 5000,
      value: '{"name":"Ada"}',
      blob: null,
    });
    expect(row?.size).toBeGreaterThanOrEqual(BigInt('{"name":"Ada"}'.length + key.text.length));
  });

  it('stores forever as NULL and reads it back as Infinity', async () => {
    const dir = tempDir();
    const store = open({ dir });
    const key = entryKey('f', 'forever');
    store.set(key, entry(1));
    await store.close();
    expect(rows(peer(dir))[0]).toMatchObject({ expires_at: null, stale_until: null });
    const again = open({ dir });
    expect(again.get(key)).toMatchObject({ expiresAt: Number.POSITIVE_INFINITY, staleUntil: Number.POSITIVE_INFINITY });
  });

  it('opens in WAL mode with synchronous=NORMAL and the configured busy timeout', () => {
    const dir = tempDir();
    let opened: SqliteDatabase | undefined;
    const store = open({
      dir,
      busyTimeout: 1234,
      open: (file, options) => (opened = driver.open(file, options)),
    });
    store.get(entryKey('f', 'x'));
    expect(opened?.driver).toBe(driver.name);
    expect(opened?.pragma('journal_mode')).toBe('wal');
    expect(opened?.pragma('synchronous')).toBe(1); // NORMAL
    expect(opened?.pragma('busy_timeout')).toBe(1234);
  });

  it('takes a busy timeout with a fraction as the next whole millisecond (the bindings refuse fractions)', async () => {
    const dir = tempDir();
    let opened: SqliteDatabase | undefined;
    const store = open({ dir, busyTimeout: 1234.2, open: (file, options) => (opened = driver.open(file, options)) });
    expect(store.get(entryKey('f', 'x'))).toBeUndefined(); // opens the database
    expect(opened?.pragma('busy_timeout')).toBe(1235);
    store.set(entryKey('f', 'x'), entry(1));
    await store.close();
    expect(open({ dir }).get(entryKey('f', 'x'))?.value).toBe(1);
  });

  it('groups the writes of one tick into one transaction, and reads see them before it commits', async () => {
    const dir = tempDir();
    const store = open({ dir });
    store.get(entryKey('f', 'open')); // opens the database
    const db = peer(dir);
    for (let i = 0; i < 50; i++) store.set(entryKey('f', `k${i}`), entry(i));
    expect(rows(db)).toHaveLength(0); // nothing committed yet
    expect(store.get(entryKey('f', 'k7'))?.value).toBe(7); // but visible to this store
    const before = db.pragma('data_version');
    await nextTick();
    expect(rows(db)).toHaveLength(50);
    // One commit by another connection bumps data_version once per transaction observed.
    expect(Number(db.pragma('data_version')) - Number(before)).toBe(1);
  });

  it('treats a committed row at the same hash with other key text as a miss', async () => {
    const dir = tempDir();
    const [mine, theirs] = [entryKey('f', 'mine'), entryKey('f', 'theirs')];
    const writer = open({ dir });
    writer.set(theirs, entry('wrong value'));
    await writer.close();
    // Forge a collision: the other key's committed row moved to this key's hash.
    peer(dir, false).prepare('UPDATE entries SET hash = ? WHERE key = ?').run(mine.hash, theirs.text);
    const reader = open({ dir }); // nothing pending: every read goes to the committed row
    expect(reader.get(mine)).toBeUndefined();
    expect(reader.delete(mine)).toBe(false); // nor is it deleted as this key's entry
    expect(reader.acquireLease?.(mine, 60_000)).toBe(true); // nor taken for this key's fresh entry
    expect(rows(peer(dir))).toMatchObject([{ hash: mine.hash, key: theirs.text }]);
  });

  it('commits pending writes on close', async () => {
    const dir = tempDir();
    const store = createSqliteStore({ dir, driver: driver.name });
    store.set(entryKey('f', 'a'), entry('kept'));
    await store.close();
    const again = open({ dir });
    expect(again.get(entryKey('f', 'a'))?.value).toBe('kept');
  });

  it('keeps values inline up to the inline limit and spills larger ones to a blob file', async () => {
    const dir = tempDir();
    const store = open({ dir, inlineLimit: 100 });
    const small = entryKey('f', 'small');
    const large = entryKey('f', 'large');
    store.set(small, entry('x'.repeat(50)));
    store.set(large, entry('y'.repeat(500)));
    await nextTick();
    const [l, s] = rows(peer(dir));
    expect(s).toMatchObject({ key: small.text, blob: null });
    expect(l?.value).toBeNull();
    expect(l?.blob).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(store.get(large)?.value).toBe('y'.repeat(500));
  });

  it('drops an entry that fails to decode, warns once, and misses', async () => {
    const dir = tempDir();
    const logger = recordingLogger();
    const store = open({ dir, warn: logger.warn });
    const [a, b] = [entryKey('f', 'a'), entryKey('f', 'b')];
    store.set(a, entry('A'));
    store.set(b, entry('B'));
    await store.close();
    stores.splice(0);
    peer(dir, false).prepare("UPDATE entries SET value = '{broken'").run();
    const again = open({ dir, warn: logger.warn });
    expect(again.get(a)).toBeUndefined();
    expect(again.get(b)).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toMatch(/failed to decode/);
    expect(rows(peer(dir))).toHaveLength(0);
  });

  it('reads the codec from its column, never from the value: an unknown or mismatched name drops the entry', async () => {
    // A hit reads the codec as a number (statements.ts, CODECS): valid JSON text under a codec
    // name this runtime does not know, or under `v8`, must not be decoded as JSON.
    const dir = tempDir();
    const logger = recordingLogger();
    const store = open({ dir, warn: logger.warn });
    const [a, b, c] = [entryKey('f', 'a'), entryKey('f', 'b'), entryKey('f', 'c')];
    for (const key of [a, b, c]) store.set(key, entry({ n: 1 }));
    await store.close();
    stores.splice(0);
    const db = peer(dir, false);
    db.prepare("UPDATE entries SET codec = 'msgpack' WHERE hash = ?").run(a.hash);
    db.prepare("UPDATE entries SET codec = 'v8' WHERE hash = ?").run(b.hash);
    const again = open({ dir, warn: logger.warn });
    expect(again.get(a)).toBeUndefined();
    expect(again.get(b)).toBeUndefined();
    expect(again.get(c)?.value).toEqual({ n: 1 });
    expect(again.get(c)?.codec).toBe('json');
    expect(logger.warnings[0]?.message).toMatch(/failed to decode/);
    expect(rows(peer(dir)).map((row) => row.key)).toEqual([c.text]);
  });

  it('keeps the v8 codec inline and reads it back by its number', () => {
    const store = open({ dir: tempDir() });
    const key = entryKey('f', 'v8');
    const value = new Map([[1n, new Set(['x'])]]);
    store.set(key, entry(value, 'v8'));
    const got = store.get(key);
    expect(got?.codec).toBe('v8');
    expect(got?.value).toEqual(value);
  });

  it('refuses the live codec: it never reaches a persistent store', () => {
    const store = open({ dir: tempDir() });
    expectError(() => store.set(entryKey('f', 'a'), entry({}, 'live')), { code: 'CACHET_E_CODEC', message: /live/ });
  });

  it('removes least recently used entries first when over the size limit', async () => {
    const dir = tempDir();
    const clock = manualClock();
    const store = open({ dir, maxBytes: 10_000, now: clock.now });
    const keys = Array.from({ length: 8 }, (_, i) => entryKey('f', `k${i}`));
    for (const key of keys) {
      store.set(key, entry('v'.repeat(1000)));
      await nextTick();
      clock.advance(120_000);
    }
    // k0 is the oldest write, but reading it makes it recently used.
    expect(store.get(keys[0]!)?.value).toHaveLength(1000);
    clock.advance(120_000);
    for (let i = 8; i < 12; i++) {
      store.set(entryKey('f', `k${i}`), entry('v'.repeat(1000)));
      await nextTick();
      clock.advance(120_000);
    }
    const kept = rows(peer(dir)).map((row) => row.key);
    const bytes = peer(dir).prepare("SELECT value FROM meta WHERE name = 'bytes'", { pluck: true }).get() as number;
    expect(Number(bytes)).toBeLessThanOrEqual(10_000);
    expect(kept).toContain(keys[0]!.text);
    expect(kept).not.toContain(keys[1]!.text);
    expect(kept).toContain(entryKey('f', 'k11').text);
  });

  it('counts bytes written by several stores of one file once each, and gc recounts a count a crash left short', async () => {
    const dir = tempDir();
    const total = (): number =>
      Number(peer(dir).prepare("SELECT value FROM meta WHERE name = 'bytes'", { pluck: true }).get());
    const sum = (): number => Number(peer(dir).prepare('SELECT SUM(size) FROM entries', { pluck: true }).get());
    const one = open({ dir });
    const two = open({ dir });
    for (let i = 0; i < 20; i++) {
      one.set(entryKey('f', `a${i}`), entry('x'.repeat(100 + i)));
      two.set(entryKey('f', `b${i}`), entry('y'.repeat(50 + i)));
      if (i % 5 === 0) await nextTick();
    }
    // Replacing an entry counts the difference, a delete subtracts it.
    one.set(entryKey('f', 'a0'), entry('z'));
    await nextTick();
    expect(two.delete(entryKey('f', 'b1'))).toBe(true);
    one.close();
    two.close();
    expect(total()).toBe(sum());
    // A process killed before it wrote its count leaves the total short; gc sets it right.
    peer(dir, false).exec("UPDATE meta SET value = 10 WHERE name = 'bytes'");
    const three = open({ dir });
    expect(three.gc?.()).toBe(0);
    expect(total()).toBe(sum());
  });

  it('removes entries past their stale window with gc, and keeps stale-while-revalidate ones', async () => {
    const clock = manualClock(10_000);
    const store = open({ dir: tempDir(), now: clock.now });
    store.set(entryKey('f', 'dead'), entry(1, 'json', { expiresAt: 11_000, staleUntil: 12_000 }));
    store.set(entryKey('f', 'stale'), entry(2, 'json', { expiresAt: 11_000, staleUntil: 99_000 }));
    store.set(entryKey('f', 'forever'), entry(3));
    clock.advance(5000);
    expect(store.gc?.()).toBe(1);
    expect(store.get(entryKey('f', 'dead'))).toBeUndefined();
    expect(store.get(entryKey('f', 'stale'))?.value).toBe(2);
    expect(store.get(entryKey('f', 'forever'))?.value).toBe(3);
  });

  it('removes expired rows now and then while writing, without a gc() call', async () => {
    const dir = tempDir();
    const clock = manualClock(10_000);
    const store = open({ dir, now: clock.now });
    for (let i = 0; i < 50; i++)
      store.set(entryKey('f', `old${i}`), entry(i, 'json', { expiresAt: 10_500, staleUntil: 11_000 }));
    await nextTick();
    clock.advance(5000);
    for (let i = 0; i < 1000; i++) store.set(entryKey('f', `new${i}`), entry(i));
    await nextTick();
    const left = peer(dir).prepare('SELECT COUNT(*) FROM entries WHERE expires_at = 10500', { pluck: true }).get();
    expect(left).toBe(0);
  });

  it('reports entries and bytes per function', async () => {
    const store = open({ dir: tempDir() });
    store.set(entryKey('f', 'a'), entry('x'));
    store.set(entryKey('f', 'b'), entry('y'));
    store.set(entryKey('g', 'a'), entry('z'));
    const infos = (await store.functions?.()) ?? [];
    expect(infos.map(({ fn, entries }) => [fn, entries])).toEqual([
      ['f', 2],
      ['g', 1],
    ]);
    expect(infos[0]?.bytes).toBeGreaterThan(0);
  });

  it('takes a lease once per key until it is released or expires', async () => {
    const dir = tempDir();
    const [one, two] = [open({ dir }), open({ dir })];
    const key = entryKey('f', 'herd');
    expect(one.acquireLease?.(key, 60_000)).toBe(true);
    expect(two.acquireLease?.(key, 60_000)).toBe(false);
    expect(one.acquireLease?.(key, 60_000)).toBe(true); // the owner may renew
    one.releaseLease?.(key);
    expect(two.acquireLease?.(key, 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5)); // leases are wall-clock: a 1 ms lease lapses
    expect(one.acquireLease?.(key, 60_000)).toBe(true);
  });

  it('refuses a lease on a key whose fresh entry another process just stored', () => {
    const dir = tempDir();
    const [one, two] = [open({ dir }), open({ dir })];
    const key = entryKey('f', 'herd');
    expect(one.acquireLease?.(key, 60_000)).toBe(true);
    one.set(key, entry('done'));
    one.releaseLease?.(key); // commits the entry, then frees the lease
    expect(two.acquireLease?.(key, 60_000)).toBe(false);
    expect(two.get(key)?.value).toBe('done');
  });
});
