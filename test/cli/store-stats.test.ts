/**
 * What the CLI reads, from the SQLite store's side: the per-minute stats table, and a cache made
 * by an earlier runtime (schema 1) keeping its entries when it gains the table.
 */
import { join } from 'node:path';
import { createFsStore, createSqliteStore } from '@cachet/runtime/admin';
import type { StatsSample, SyncStore } from '@cachet/runtime/store';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cachetJson, removeTemps, tempDir } from './helpers.js';

afterAll(removeTemps);

type Recording = SyncStore & { recordStats(samples: readonly StatsSample[]): void };
const sample = (fn: string, at: number, hits: number, misses = 0): StatsSample => ({
  fn,
  at,
  hits,
  misses,
  staleHits: 0,
  herdJoins: 1,
  errors: 0,
});
const key = { fn: 'f', version: '1', text: 'f\u00001\u0000d1', hash: 42n };
const entry = { value: { a: 1 }, codec: 'json' as const, createdAt: 1000, expiresAt: Infinity, staleUntil: Infinity };

describe('the stats table', () => {
  it('adds reports of one minute together; a report reaching two stores of one file counts once', async () => {
    const dir = join(tempDir(), 'cache');
    const sqlite = createSqliteStore({ dir }) as Recording;
    const fs = createFsStore({ dir }) as Recording;
    const minute = Date.now() - (Date.now() % 60_000);
    const first = [sample('f', minute, 2, 1), sample('g', minute - 60_000, 5)];
    sqlite.recordStats(first);
    fs.recordStats(first); // the runtime sends each report to every store
    const second = [sample('f', minute, 3)];
    fs.recordStats(second);
    sqlite.recordStats(second);
    sqlite.close();
    fs.close();
    const { functions } = await cachetJson<{ functions: { fn: string; hits: number; misses: number }[] }>([
      'stats',
      '--dir',
      dir,
    ]);
    expect(functions).toEqual([
      expect.objectContaining({ fn: 'f', hits: 5, misses: 1, herdJoins: 2 }),
      expect.objectContaining({ fn: 'g', hits: 5, misses: 0, herdJoins: 1 }),
    ]);
  });

  it('commits a report with the next group commit, or at once while the store has no connection open', async () => {
    const dir = join(tempDir(), 'cache');
    const store = createSqliteStore({ dir }) as Recording;
    const hits = (): unknown => {
      const db = new Database(join(dir, 'cache.db'), { readonly: true });
      try {
        return db.prepare('SELECT fn, hits FROM stats ORDER BY fn').all();
      } finally {
        db.close();
      }
    };
    // Nothing opened the database yet: no exit hook would commit a queued report, so it commits now.
    store.recordStats([sample('f', 60_000, 1)]);
    expect(hits()).toEqual([{ fn: 'f', hits: 1 }]);
    // Open: the report waits for the tick's group commit, with the entries written meanwhile.
    store.set(key, entry);
    store.recordStats([sample('g', 60_000, 2)]);
    expect(hits()).toEqual([{ fn: 'f', hits: 1 }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(hits()).toEqual([
      { fn: 'f', hits: 1 },
      { fn: 'g', hits: 2 },
    ]);
    store.close();
  });

  it('a schema-1 cache gains the table and keeps its entries', async () => {
    const dir = join(tempDir(), 'cache');
    const store = createSqliteStore({ dir });
    store.set(key, entry);
    store.close();
    const db = new Database(join(dir, 'cache.db'));
    db.exec('DROP TABLE stats');
    db.pragma('user_version = 1');
    db.close();
    const reopened = createSqliteStore({ dir }) as Recording;
    expect(reopened.get(key)?.value).toEqual({ a: 1 });
    reopened.recordStats([sample('f', 60_000, 1)]);
    reopened.close();
    const check = new Database(join(dir, 'cache.db'), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(3);
    expect(check.prepare('SELECT fn, hits FROM stats').all()).toEqual([{ fn: 'f', hits: 1 }]);
    check.close();
  });
});
