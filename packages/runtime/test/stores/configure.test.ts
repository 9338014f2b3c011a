/** The built-in stores as `cached()` reaches them: `configure({ dir, sqlite })` and the storage names. */

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { expectError } from '../../../../test/support/expect-error.js';
import { cached, clear, close, configure } from '../../src/index.js';
import type { SqliteDriver } from '../../src/stores/sqlite/driver/driver.js';
import { connectTo, describeDrivers } from './drivers.js';
import { nextTick, recordingLogger, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const logger = recordingLogger();
configure({ logger });
afterEach(async () => {
  await close();
  expect(logger.warnings).toEqual([]);
});

let driver: SqliteDriver;

function count(dir: string, where = '1'): number {
  const db = connectTo(driver, join(dir, 'cache.db'), true);
  try {
    return db.prepare(`SELECT COUNT(*) FROM entries WHERE ${where}`, { pluck: true }).get() as number;
  } finally {
    db.close();
  }
}

describeDrivers('configure({ dir, sqlite }) and the built-in stores', (under) => {
  beforeAll(() => {
    driver = under;
    configure({ sqlite: { driver: under.name } });
  });

  it('keeps storage=sqlite, fs and tiered entries in <dir>/cache.db, fs values always in blob files', async () => {
    const dir = tempDir();
    configure({ dir });
    for (const storage of ['sqlite', 'fs', 'tiered']) cached((n: number) => n + 1, { id: `s-${storage}`, storage })(1);
    await close();
    expect(count(dir)).toBe(3);
    expect(count(dir, "fn = 's-fs' AND blob IS NOT NULL AND value IS NULL")).toBe(1);
    expect(count(dir, "fn <> 's-fs' AND blob IS NULL")).toBe(2);
  });

  it('stores what a sync function without a memory tier settles to when it returns a promise', async () => {
    configure({ dir: tempDir() });
    let runs = 0;
    const f = cached(
      (n: number) => {
        runs++;
        return Promise.resolve(n * 2);
      },
      { id: 'sync-promise', storage: 'sqlite' },
    );
    await expect(f(2)).resolves.toBe(4);
    await nextTick();
    expect(await f(2)).toBe(4); // read back from SQLite
    expect(runs).toBe(1);
    // Such a call keeps no snapshot of its arguments, so equal calls in flight do not join it:
    // each runs, and each gets its own value.
    const [a, b] = [f(3), f(3)];
    expect([await a, await b]).toEqual([6, 6]);
    expect(runs).toBe(3);
  });

  it('lets equal calls of an async function without a memory tier join the one in flight', async () => {
    configure({ dir: tempDir() });
    let runs = 0;
    const f = cached(
      async (key: { id: number }) => {
        runs++;
        await nextTick();
        return key.id;
      },
      { id: 'async-herd', storage: 'sqlite' },
    );
    const calls = [f({ id: 1 }), f({ id: 1 }), f({ id: 2 })];
    expect(await Promise.all(calls)).toEqual([1, 1, 2]);
    expect(runs).toBe(2);
  });

  it('moves to a new dir given after the stores were opened, without close()', async () => {
    const [first, second] = [tempDir(), tempDir()];
    configure({ dir: first });
    let runs = 0;
    const f = cached((n: number) => n + runs++ * 0, { id: 'moving', storage: 'sqlite' });
    f(1);
    configure({ dir: second });
    f(1); // the new directory is empty: computed again, stored there
    f(2);
    await close();
    expect(runs).toBe(2 + 1);
    expect(count(first)).toBe(1);
    expect(count(second)).toBe(2);
  });

  it('spills values above sqlite.inlineLimit to blob files', async () => {
    const dir = tempDir();
    configure({ dir, sqlite: { inlineLimit: 100 } });
    const f = cached((n: number) => 'v'.repeat(n), { id: 'spill', storage: 'sqlite' });
    f(10);
    f(1000);
    await close();
    expect(count(dir, 'blob IS NOT NULL')).toBe(1);
    expect(readdirSync(join(dir, 'blobs')).filter((name) => name !== 'tmp')).toHaveLength(1);
    configure({ sqlite: { inlineLimit: 64 * 1024 } });
  });

  it('keeps SQLite and blob files under sqlite.maxBytes', async () => {
    const dir = tempDir();
    configure({ dir, sqlite: { maxBytes: 50_000, inlineLimit: 1000 } });
    const f = cached((n: number) => `${n}`.repeat(2000), { id: 'bounded', storage: 'sqlite' });
    for (let i = 0; i < 100; i++) {
      f(i);
      await nextTick();
    }
    await close();
    const db = connectTo(driver, join(dir, 'cache.db'), true);
    const bytes = db.prepare("SELECT value FROM meta WHERE name = 'bytes'", { pluck: true }).get() as number;
    const sum = db.prepare('SELECT SUM(size) FROM entries', { pluck: true }).get() as number;
    db.close();
    expect(bytes).toBe(sum);
    expect(bytes).toBeLessThanOrEqual(50_000);
    expect(count(dir)).toBeLessThan(100);
    expect(
      readdirSync(join(dir, 'blobs'), { recursive: true }).filter((p) => /[0-9a-f]{16}-[0-9a-f]{16}$/.test(String(p))),
    ).toHaveLength(count(dir, 'blob IS NOT NULL'));
    configure({ sqlite: { maxBytes: 1024 ** 3, inlineLimit: 64 * 1024 } });
  });

  it('clear() empties the built-in stores and their blob files', async () => {
    const dir = tempDir();
    configure({ dir });
    cached((n: number) => 'x'.repeat(n), { id: 'to-clear', storage: 'fs' })(5);
    await nextTick();
    await clear();
    expect(count(dir)).toBe(0);
    expect(
      existsSync(join(dir, 'blobs'))
        ? readdirSync(join(dir, 'blobs'), { recursive: true }).filter((p) =>
            /[0-9a-f]{16}-[0-9a-f]{16}$/.test(String(p)),
          )
        : [],
    ).toEqual([]);
  });

  it('rejects a negative inline limit', () => {
    expectError(() => configure({ sqlite: { inlineLimit: -1 } }), {
      code: 'CACHET_E_BAD_OPTION_VALUE',
      message: /inlineLimit/,
    });
  });
});
