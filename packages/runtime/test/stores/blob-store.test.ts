import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { xxh64Bytes } from '../../src/key/xxh64.js';
import type { SyncStore } from '../../src/store.js';
import { BlobFiles } from '../../src/stores/blob/blob-files.js';
import { createFsStore } from '../../src/stores/blob/fs-store.js';
import { createSqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectTo, describeDrivers } from './drivers.js';
import { nextTick, recordingLogger, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const stores: SyncStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** Every file under `dir/blobs`, relative to it. */
function blobFiles(dir: string): string[] {
  const root = join(dir, 'blobs');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((item) => item.isFile())
    .map((item) => relative(root, join(item.parentPath, item.name)))
    .sort();
}

function blobPath(dir: string, name: string): string {
  return join(dir, 'blobs', name.slice(0, 2), name);
}

/** The 16 hex digits of the xxh64 of `bytes`: the second half of a blob's name. */
function checkOf(bytes: Uint8Array): string {
  return BigInt.asUintN(64, xxh64Bytes(bytes)).toString(16).padStart(16, '0');
}

describeDrivers('blob files', (driver) => {
  function fsStore(dir: string, warn?: (message: string, cause?: unknown) => void): SyncStore {
    const store = createFsStore({ dir, driver: driver.name, ...(warn === undefined ? {} : { warn }) });
    stores.push(store);
    return store;
  }

  function blobColumn(dir: string): (string | null)[] {
    const db = connectTo(driver, join(dir, 'cache.db'), true);
    try {
      return db.prepare('SELECT blob FROM entries ORDER BY key', { pluck: true }).all() as (string | null)[];
    } finally {
      db.close();
    }
  }

  it('names each file by 64 random bits and the xxh64 of its bytes, never by the key', async () => {
    const dir = tempDir();
    const store = fsStore(dir);
    const key = entryKey('../../etc/passwd', '"../../x"/..\\..');
    store.set(key, entry({ hello: 'world' }));
    await nextTick();
    const bytes = Buffer.from(JSON.stringify({ hello: 'world' }));
    const [name] = blobColumn(dir) as [string];
    expect(name).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(name.slice(17)).toBe(checkOf(bytes));
    expect(blobFiles(dir)).toEqual([join(name.slice(0, 2), name)]);
    expect(readFileSync(blobPath(dir, name))).toEqual(bytes);
  });

  it('gives equal values files of their own, each deleted with its row', async () => {
    const dir = tempDir();
    const store = fsStore(dir);
    const [a, b] = [entryKey('f', 'a'), entryKey('f', 'b')];
    store.set(a, entry('same'));
    store.set(b, entry('same'));
    await nextTick();
    const names = blobColumn(dir);
    expect(new Set(names).size).toBe(2);
    expect(names[0]?.slice(17)).toBe(names[1]?.slice(17)); // same bytes, same check
    expect(store.delete(a)).toBe(true);
    expect(blobFiles(dir)).toHaveLength(1);
    expect(store.get(b)?.value).toBe('same');
    expect(store.delete(b)).toBe(true);
    expect(blobFiles(dir)).toEqual([]);
  });

  it('detects one changed byte (same length) as damage: a miss, the row deleted, never a wrong value', async () => {
    const dir = tempDir();
    const logger = recordingLogger();
    const store = fsStore(dir, logger.warn);
    const key = entryKey('f', 'a');
    const value = { text: 'a'.repeat(100_000), n: 1 }; // over one hashing chunk
    store.set(key, entry(value));
    await nextTick();
    const path = blobPath(dir, blobColumn(dir)[0] as string);
    const bytes = readFileSync(path);
    const at = bytes.indexOf('"n":1') + 4;
    bytes[at] = '2'.charCodeAt(0); // still valid JSON, a different value
    writeFileSync(path, bytes);
    expect(store.get(key)).toBeUndefined();
    expect(blobColumn(dir)).toEqual([]);
    expect(logger.warnings).toHaveLength(1);
    store.set(key, entry(value));
    await nextTick();
    expect(store.get(key)?.value).toEqual(value);
  });

  it('reads a file named by SHA-256 (earlier versions) and checks it against that name', async () => {
    const dir = tempDir();
    const store = fsStore(dir, () => undefined);
    const [good, bad] = [entryKey('f', 'good'), entryKey('f', 'bad')];
    store.set(good, entry('old'));
    store.set(bad, entry('old too'));
    await nextTick();
    store.close();
    const db = connectTo(driver, join(dir, 'cache.db'));
    try {
      for (const [key, damage] of [
        [good, false],
        [bad, true],
      ] as const) {
        const name = db
          .prepare<[bigint], string>('SELECT blob FROM entries WHERE hash = ?', { pluck: true })
          .get(key.hash) as string;
        const bytes = readFileSync(blobPath(dir, name));
        const legacy = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
        mkdirSync(join(dir, 'blobs', legacy.slice(0, 2)), { recursive: true });
        writeFileSync(blobPath(dir, legacy), damage ? Buffer.from('"old to!"') : bytes);
        rmSync(blobPath(dir, name));
        db.prepare('UPDATE entries SET blob = ? WHERE hash = ?').run(legacy, key.hash);
      }
    } finally {
      db.close();
    }
    const reopened = fsStore(dir, () => undefined);
    expect(reopened.get(good)?.value).toBe('old');
    expect(reopened.get(bad)).toBeUndefined();
  });

  it('removes the old file when an entry is replaced, and on clear', async () => {
    const dir = tempDir();
    const store = fsStore(dir);
    const key = entryKey('f', 'a');
    store.set(key, entry('first'));
    await nextTick();
    store.set(key, entry('second'));
    await nextTick();
    expect(blobFiles(dir)).toEqual([expect.stringContaining(checkOf(Buffer.from('"second"')))]);
    store.set(entryKey('g', 'b'), entry('other'));
    expect(store.clear('f')).toBe(1);
    expect(blobFiles(dir)).toHaveLength(1);
    expect(store.clear()).toBe(1);
    expect(blobFiles(dir)).toEqual([]);
  });

  it('treats a missing blob file as a miss and deletes the row', async () => {
    const dir = tempDir();
    const logger = recordingLogger();
    const store = fsStore(dir, logger.warn);
    const key = entryKey('f', 'a');
    store.set(key, entry({ big: 'value' }));
    await nextTick();
    rmSync(blobPath(dir, blobColumn(dir)[0] as string));
    expect(store.get(key)).toBeUndefined();
    expect(blobColumn(dir)).toEqual([]);
    expect(logger.warnings).toHaveLength(1);
  });

  it('treats a truncated blob file as a miss, never a wrong value, and repairs it', async () => {
    const dir = tempDir();
    const store = fsStore(dir, () => undefined);
    const key = entryKey('f', 'a');
    store.set(key, entry({ list: [1, 2, 3, 4, 5, 6, 7, 8, 9] }));
    await nextTick();
    const path = blobPath(dir, blobColumn(dir)[0] as string);
    writeFileSync(path, readFileSync(path).subarray(0, 10));
    expect(store.get(key)).toBeUndefined();
    expect(blobColumn(dir)).toEqual([]);
    store.set(key, entry('again'));
    await nextTick();
    expect(store.get(key)?.value).toBe('again');
  });

  it('spills v8 values too, and reads them back as they were', async () => {
    const dir = tempDir();
    const store = createSqliteStore({ dir, inlineLimit: 16, driver: driver.name });
    stores.push(store);
    const key = entryKey('f', 'v8');
    const value = { when: new Date(5), ids: new Set([1n, 2n]), bytes: new Uint8Array(64).fill(7) };
    store.set(key, entry(value, 'v8'));
    await nextTick();
    expect(blobColumn(dir)[0]).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(store.get(key)?.value).toEqual(value);
  });

  it('gc removes orphaned files and stale temporaries only after the grace period', async () => {
    const dir = tempDir();
    const store = createFsStore({ dir, blobGrace: 60_000, driver: driver.name });
    stores.push(store);
    const key = entryKey('f', 'kept');
    store.set(key, entry('kept'));
    await nextTick();
    const files = new BlobFiles(join(dir, 'blobs'));
    const orphan = files.stage(Buffer.from('"orphan"'));
    files.place(orphan);
    const temp = files.stage(Buffer.from('"half-written"')).temp;
    expect(store.gc?.()).toBe(0); // both are young: they may belong to a write about to commit
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const path of [blobPath(dir, orphan.name), temp, blobPath(dir, blobColumn(dir)[0] as string)])
      utimesSync(path, hourAgo, hourAgo);
    expect(store.gc?.()).toBe(2);
    expect(existsSync(blobPath(dir, orphan.name))).toBe(false);
    expect(existsSync(temp)).toBe(false);
    expect(store.get(key)?.value).toBe('kept');
  });
});
