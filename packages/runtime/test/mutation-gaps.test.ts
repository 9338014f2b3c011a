/**
 * Bugs a mutation spot-check planted that no other test caught: the SQLite store comparing key
 * texts only for rows still waiting in its write batch, and a corrupt database replaced by one
 * that does not persist (the new instance must be a real file, warm after a reopen).
 */
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../src/admin.js';
import { cached, close, configure } from '../src/index.js';
import type { EntryKey } from '../src/store-kit.js';
import { manualClock, recordingLogger } from './helpers.js';
import { entry, entryKey } from './store-suite.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachet-gaps-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Waits for the store's group commit (one turn of the event loop). */
const committed = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the SQLite store on committed rows', () => {
  it('never returns a committed row whose key text differs, at the same hash', async () => {
    const dir = tempDir();
    const key = entryKey('f', 'd1');
    const impostor: EntryKey = { ...key, text: `${key.text}x` };
    const store = createSqliteStore({ dir });
    await store.set(key, entry('right'));
    await committed(); // out of the write batch, into the table
    expect(await store.get(impostor)).toBeUndefined();
    expect((await store.get(key))?.value).toBe('right');
    await store.close();

    const reopened = createSqliteStore({ dir }); // nothing pending: every read reaches the table
    expect(await reopened.get(impostor)).toBeUndefined();
    expect((await reopened.get(key))?.value).toBe('right');
    await reopened.close();
  });

  it('keeps two texts of one hash apart: a write of one never answers for the other', async () => {
    const dir = tempDir();
    const key = entryKey('f', 'd1');
    const impostor: EntryKey = { ...key, text: `${key.text}x` };
    const store = createSqliteStore({ dir });
    await store.set(impostor, entry('impostor'));
    await store.close();
    const reopened = createSqliteStore({ dir });
    expect(await reopened.get(key)).toBeUndefined();
    expect((await reopened.get(impostor))?.value).toBe('impostor');
    await reopened.close();
  });
});

describe('a corrupt database, replaced', () => {
  const clock = manualClock();
  const logger = recordingLogger();
  beforeEach(() => {
    configure({ now: clock.now, logger, backoff: '30s' });
    logger.messages.length = 0;
  });
  afterEach(async () => {
    await close();
  });

  /** A cached function over `sqlite` that counts how often it really runs. */
  function counted(id: string): { f: (n: number) => { n: number }; runs: () => number } {
    let runs = 0;
    const f = cached(
      (n: number) => {
        runs++;
        return { n };
      },
      { id, storage: 'sqlite' },
    );
    return { f, runs: () => runs };
  }

  it('by a fresh file that keeps entries across a reopen', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cache.db'), 'not an SQLite database '.repeat(300));
    configure({ dir });
    const first = counted('gap-not-a-db');
    expect(first.f(1).n).toBe(1);
    expect(first.runs()).toBe(1);
    expect(logger.messages).toHaveLength(1);
    await close();

    const second = counted('gap-not-a-db'); // a new instance: empty memory, the database reopened
    expect(second.f(1).n).toBe(1);
    expect(second.runs()).toBe(0); // served by the new file, not computed again
    expect(readdirSync(dir)).toContain('cache.db');
    expect(logger.messages).toHaveLength(1);
  });

  it('found corrupt while in use, by a file the next instance reads', async () => {
    const dir = tempDir();
    configure({ dir });
    const first = counted('gap-corrupt-later');
    for (let i = 0; i < 400; i++) first.f(i);
    await close();
    truncateSync(join(dir, 'cache.db'), 5 * 4096);

    const repaired = counted('gap-corrupt-later');
    for (let i = 0; i < 400; i++) expect(repaired.f(i).n).toBe(i);
    expect(logger.messages.some((message) => /moved it to/.test(message))).toBe(true);
    await close();

    const next = counted('gap-corrupt-later');
    for (let i = 0; i < 400; i++) expect(next.f(i).n).toBe(i);
    expect(next.runs()).toBe(0);
  });
});
