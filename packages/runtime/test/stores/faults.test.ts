/**
 * Faults of the persistent tiers, end to end through `cached()`: whatever happens to the files,
 * the user's call returns its computed value, the fault is reported once with its cause, and the
 * tier is skipped for the back-off (or repaired at once where it can be).
 */

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { cached, close, configure } from '../../src/index.js';
import { createSqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { connectTo, describeDrivers } from './drivers.js';
import { manualClock, nextTick, recordingLogger, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const clock = manualClock();
const logger = recordingLogger();
configure({ now: clock.now, logger, backoff: '30s' });

beforeEach(() => {
  logger.warnings.length = 0;
});
afterEach(async () => {
  await close();
});

/** A cached function over the given storage that counts how often it really runs. */
function counted(id: string, storage: string): { f: (n: number) => { n: number; pad: string }; runs: () => number } {
  let runs = 0;
  const f = cached(
    (n: number) => {
      runs++;
      return { n, pad: 'p'.repeat(200) };
    },
    { id, storage },
  );
  return { f, runs: () => runs };
}

describeDrivers('persistent tier faults', (driver) => {
  beforeAll(() => configure({ sqlite: { driver: driver.name } }));

  it('moves a file that is not a database aside, starts a fresh one, and warns once', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cache.db'), 'this is not an SQLite database, just text '.repeat(200));
    configure({ dir });
    const { f, runs } = counted('not-a-db', 'sqlite');
    expect(f(1)).toEqual({ n: 1, pad: 'p'.repeat(200) });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toMatch(/not a usable SQLite database; moved it to .*cache\.db\.corrupt-/);
    expect(String(logger.warnings[0]?.cause)).toMatch(/not a database/);
    const aside = readdirSync(dir).filter((name) => name.startsWith('cache.db.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0] as string), 'utf8')).toMatch(/^this is not an SQLite database/);
    await close(); // the fresh database took the entry
    expect(counted('not-a-db', 'sqlite').f(1).n).toBe(1);
    expect(runs()).toBe(1);
    expect(logger.warnings).toHaveLength(1);
  });

  it('repairs a database found corrupt while in use', async () => {
    const dir = tempDir();
    configure({ dir });
    const { f } = counted('corrupt-later', 'sqlite');
    for (let i = 0; i < 400; i++) f(i);
    await close();
    truncateSync(join(dir, 'cache.db'), 5 * 4096); // a checkpointed file cut short: most pages gone
    const again = counted('corrupt-later', 'sqlite');
    for (let i = 0; i < 400; i++) expect(again.f(i).n).toBe(i);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toMatch(/moved it to/);
    expect(readdirSync(dir).some((name) => name.startsWith('cache.db.corrupt-'))).toBe(true);
  });

  it('skips a directory that cannot be created, with one warning and a back-off', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    configure({ dir: join(file, 'cache') }); // a path under a regular file
    const { f, runs } = counted('no-dir', 'sqlite');
    expect(f(1).n).toBe(1);
    expect(f(2).n).toBe(2);
    expect(f(1).n).toBe(1);
    expect(runs()).toBe(3);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toMatch(/tier "sqlite" failed to get; skipping it/);
    expect(String(logger.warnings[0]?.cause)).toMatch(/ENOTDIR|EEXIST/);
  });

  it('skips a database locked by another connection beyond the busy timeout, then recovers', async () => {
    const dir = tempDir();
    const holder = connectTo(driver, join(dir, 'cache.db'));
    holder.exec('CREATE TABLE held (x)');
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec('INSERT INTO held VALUES (1)');
    configure({ dir, sqlite: { busyTimeout: '50ms' } });
    const { f, runs } = counted('locked', 'sqlite');
    expect(f(1).n).toBe(1);
    expect(logger.warnings).toHaveLength(1);
    expect(String(logger.warnings[0]?.cause)).toMatch(/locked|busy/i);
    expect(f(1).n).toBe(1); // skipped during the back-off: computed again, no new warning
    expect(runs()).toBe(2);
    holder.exec('COMMIT');
    holder.close();
    clock.advance(31_000);
    f(1); // the tier is tried again: a miss, stored
    await nextTick();
    expect(f(1).n).toBe(1);
    expect(runs()).toBe(3);
    expect(logger.warnings).toHaveLength(1);
  });

  it('survives a full disk: the call returns, one warning, the tier skipped for the back-off', async () => {
    const dir = tempDir();
    // SQLite's own page limit: past it, every write fails with SQLITE_FULL, as on a full disk.
    const store = createSqliteStore({
      dir,
      name: 'small-disk',
      inlineLimit: Number.POSITIVE_INFINITY,
      warn: logger.warn,
      now: clock.now,
      open: (path, options) => {
        const db = driver.open(path, options);
        db.pragma('max_page_count = 16');
        return db;
      },
    });
    configure({ stores: { 'small-disk': store } });
    let runs = 0;
    const f = cached(
      (n: number) => {
        runs++;
        return 'x'.repeat(200_000) + n;
      },
      { id: 'full', storage: 'small-disk' },
    );
    expect(f(1).endsWith('1')).toBe(true);
    await nextTick(); // the group commit fails here
    expect(f(2).endsWith('2')).toBe(true); // the next call reports it
    expect(f(3).endsWith('3')).toBe(true);
    expect(runs).toBe(3);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.message).toMatch(/tier "small-disk" failed/);
    expect(String(logger.warnings[0]?.cause)).toMatch(/full/i);
  });

  it('treats a deleted or truncated blob file as a miss and repairs the entry', async () => {
    const dir = tempDir();
    configure({ dir });
    const { f, runs } = counted('blob-gone', 'fs');
    f(1);
    f(2);
    await close();
    const files = readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files).toHaveLength(2);
    const [first, second] = files.map((e) => join(e.parentPath, e.name));
    rmSync(first as string);
    writeFileSync(second as string, readFileSync(second as string).subarray(0, 5));
    const again = counted('blob-gone', 'fs');
    expect(again.f(1).n).toBe(1);
    expect(again.f(2).n).toBe(2);
    expect(runs() + again.runs()).toBe(4);
    expect(logger.warnings).toHaveLength(1);
    await close();
    expect(counted('blob-gone', 'fs').f(2).n).toBe(2); // repaired: stored again, read back
    expect(again.runs()).toBe(2);
  });

  it('treats a blob file with one changed byte as a miss: recomputed, never the altered value', async () => {
    const dir = tempDir();
    configure({ dir });
    const { f } = counted('blob-flipped', 'fs');
    f(7);
    await close();
    const [file] = readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    const bytes = readFileSync(file as string);
    bytes[bytes.indexOf('"n":7') + 4] = '8'.charCodeAt(0); // valid JSON, another value
    writeFileSync(file as string, bytes);
    const again = counted('blob-flipped', 'fs');
    expect(again.f(7).n).toBe(7);
    expect(again.runs()).toBe(1);
    expect(logger.warnings).toHaveLength(1);
    await close();
    const third = counted('blob-flipped', 'fs');
    expect(third.f(7).n).toBe(7);
    expect(third.runs()).toBe(0); // stored again by the recomputation, read back
  });

  const root = process.getuid?.() === 0;
  it('skips a read-only directory, with one warning, in a process that cannot write it', () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    try {
      if (!root) {
        configure({ dir });
        const { f, runs } = counted('read-only', 'sqlite');
        expect(f(1).n).toBe(1);
        expect(f(1).n).toBe(1);
        expect(runs()).toBe(2);
        expect(logger.warnings).toHaveLength(1);
        expect(String(logger.warnings[0]?.cause)).toMatch(/unable to open|readonly|EACCES/i);
        return;
      }
      // Root ignores permissions: run the call in a child process as an unprivileged user.
      const script = fileURLToPath(new URL('../../../../test/persistence/fixtures/read-only.mjs', import.meta.url));
      const child = spawnSync(process.execPath, [script, dir], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        env: { ...process.env, CACHET_SQLITE: driver.name },
      });
      expect(child.stderr).toBe('');
      expect(JSON.parse(child.stdout)).toMatchObject({ results: [2, 2], runs: 2, warnings: 1 });
      expect(JSON.parse(child.stdout).cause).toMatch(/unable to open|readonly/i);
      expect(existsSync(join(dir, 'cache.db'))).toBe(false);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
