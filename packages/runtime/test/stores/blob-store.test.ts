import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, expect, it } from 'vitest';
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

  it('names each file by the hash of its encoded bytes, never by the key', async () => {
    const dir = tempDir();
    const store = fsStore(dir);
    const key = entryKey('../../etc/passwd', '"../../x"/..\\..');
    store.set(key, entry({ hello: 'world' }));
    await nextTick();
    const bytes = Buffer.from(JSON.stringify({ hello: 'world' }));
    const name = BlobFiles.nameOf(bytes);
    expect(blobFiles(dir)).toEqual([join(name.slice(0, 2), name)]);
    expect(readFileSync(blobPath(dir, name))).toEqual(bytes);
    expect(blobColumn(dir)).toEqual([name]);
  });

  it('shares one file between equal values and deletes it with its last row', async () => {
    const dir = tempDir();
    const store = fsStore(dir);
    const [a, b] = [entryKey('f', 'a'), entryKey('f', 'b')];
    store.set(a, entry('same'));
    store.set(b, entry('same'));
    await nextTick();
    expect(blobFiles(dir)).toHaveLength(1);
    expect(store.delete(a)).toBe(true);
    expect(blobFiles(dir)).toHaveLength(1);
    expect(store.get(b)?.value).toBe('same');
    expect(store.delete(b)).toBe(true);
    expect(blobFiles(dir)).toEqual([]);
  });

  it('removes the old file when an entry is replaced, and on clear', async () => {
    const dir = tempDir();
    const store = fsStore(dir);
    const key = entryKey('f', 'a');
    store.set(key, entry('first'));
    await nextTick();
    store.set(key, entry('second'));
    await nextTick();
    expect(blobFiles(dir)).toEqual([expect.stringContaining(BlobFiles.nameOf(Buffer.from('"second"')))]);
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
    expect(blobColumn(dir)[0]).toMatch(/^[0-9a-f]{32}$/);
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
