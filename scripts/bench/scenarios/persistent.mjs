/**
 * Persistent tiers with the memory tier cold: a hit of a 1 KB and a 100 KB value, and a miss that
 * stores to disk. Cachet's SQLite (inline) and blob (fs) storage beside raw better-sqlite3,
 * cacheable's secondary tier (Keyv + @keyv/sqlite), bentocache's file driver and cacache.
 * Every store is a file in one temp directory; every write path waits one event-loop turn per
 * operation, so group commit (Cachet) and background writes get no free ride.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { close, configure, xxh64 } from '@cachet/runtime';
import KeyvSqlite from '@keyv/sqlite';
import { BentoCache, bentostore } from 'bentocache';
import { fileDriver } from 'bentocache/drivers/file';
import Database from 'better-sqlite3';
import cacache from 'cacache';
import { Keyv } from 'keyv';
import { compiledFunctions } from '../compiled.mjs';
import { measureAsync } from '../harness.mjs';

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A JSON value of about `bytes` bytes that depends on `id`. */
export function payload(id, bytes) {
  return {
    id,
    name: `user ${id}`,
    tags: Array.from({ length: 8 }, (_, i) => `tag-${id}-${i}`),
    body: 'x'.repeat(bytes - 200),
  };
}

async function subjects(dir, bytes) {
  configure({ dir: join(dir, 'cachet') });
  const raw = new Database(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE IF NOT EXISTS t (hash INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL)');
  const select = raw.prepare('SELECT key, value FROM t WHERE hash = ?');
  const upsert = raw.prepare(
    'INSERT INTO t (hash, key, value) VALUES (?, ?, ?) ON CONFLICT (hash) DO UPDATE SET key = excluded.key, value = excluded.value',
  );
  // The raw side reads the same bytes as Cachet's row: a key text of the same shape and length
  // (function id, version, arguments; compiled.mjs builds the function from .tmp/bench-compiled).
  const rawKey = (i) => {
    const text = `.tmp/bench-compiled/functions.ts#persistSqlite\u00000\u0000${i},${bytes}`;
    return { text, hash: xxh64(text) };
  };
  const keyv = new Keyv({ store: new KeyvSqlite(`sqlite://${join(dir, 'keyv.sqlite')}`) });
  const bento = new BentoCache({
    default: 'file',
    stores: { file: bentostore().useL2Layer(fileDriver({ directory: join(dir, 'bento') })) },
  });
  const cacachePath = join(dir, 'cacache');
  let fresh = 1_000_000;
  // The plugin's output: (id, bytes) keys, so each value size has keys of its own.
  const compiled = await compiledFunctions();
  compiled.bodies.persist = payload;
  const cachetSqlite = (id) => compiled.persistSqlite(id, bytes);
  const cachetFs = (id) => compiled.persistFs(id, bytes);
  return {
    close: async () => {
      raw.close();
      await keyv.disconnect();
      await bento.disconnectAll();
    },
    /** Each: { fill(i), hit(i), miss() } */
    cases: {
      'raw better-sqlite3 select (no decode)': {
        fill: (i) => upsert.run(rawKey(i).hash, rawKey(i).text, JSON.stringify(payload(i, bytes))),
        hit: (i) => select.get(rawKey(i).hash).value,
        miss: async () => {
          const k = rawKey(++fresh);
          upsert.run(k.hash, k.text, JSON.stringify(payload(fresh, bytes)));
          await turn();
        },
      },
      'raw better-sqlite3 select + JSON.parse': {
        fill: () => undefined,
        hit: (i) => {
          const key = rawKey(i);
          const row = select.get(key.hash);
          return row.key === key.text ? JSON.parse(row.value) : undefined;
        },
      },
      'Cachet sqlite': {
        fill: (i) => cachetSqlite(i),
        hit: (i) => cachetSqlite(i), // storage=sqlite has no memory tier in front: every call reads SQLite
        miss: async () => {
          cachetSqlite(++fresh);
          await turn();
        },
      },
      'Cachet fs (blob files)': {
        fill: (i) => cachetFs(i),
        hit: (i) => cachetFs(i),
        miss: async () => {
          cachetFs(++fresh);
          await turn();
        },
      },
      'Keyv + @keyv/sqlite (cacheable secondary)': {
        fill: (i) => keyv.set(`k${i}`, payload(i, bytes)),
        hit: (i) => keyv.get(`k${i}`),
        miss: async () => {
          await keyv.set(`k${++fresh}`, payload(fresh, bytes));
          await turn();
        },
      },
      'bentocache file driver': {
        fill: (i) => bento.set({ key: `k${i}`, value: payload(i, bytes), ttl: '1h' }),
        hit: (i) => bento.get({ key: `k${i}` }),
        miss: async () => {
          await bento.set({ key: `k${++fresh}`, value: payload(fresh, bytes), ttl: '1h' });
          await turn();
        },
      },
      cacache: {
        fill: (i) => cacache.put(cacachePath, `k${i}`, JSON.stringify(payload(i, bytes))),
        hit: async (i) => JSON.parse((await cacache.get(cacachePath, `k${i}`)).data.toString()),
        miss: async () => {
          await cacache.put(cacachePath, `k${++fresh}`, JSON.stringify(payload(fresh, bytes)));
          await turn();
        },
      },
    },
  };
}

function check(name, value, i, bytes) {
  return name.includes('no decode')
    ? JSON.parse(value).id === i
    : value?.id === i && JSON.stringify(value).length >= bytes - 100;
}

export async function persistent({ smoke, bytes = 1024 }) {
  const dir = mkdtempSync(join(tmpdir(), 'cachet-persist-'));
  const keys = smoke ? 8 : 256;
  const { cases, close: closeAll } = await subjects(dir, bytes);
  const correct = {};
  try {
    for (const c of Object.values(cases)) for (let i = 0; i < keys; i++) await c.fill(i);
    await turn();
    await close(); // flush Cachet's group commit; stores reopen on next use
    for (const [name, c] of Object.entries(cases)) {
      correct[name] = true;
      for (let i = 0; i < keys; i++) if (!check(name, await c.hit(i), i, bytes)) correct[name] = false;
    }
    const options = smoke
      ? { batch: 4, rounds: 1, warmup: 0 }
      : { batch: bytes > 10_000 ? 50 : 200, rounds: 25, warmup: 2 };
    const hits = await measureAsync(
      '',
      Object.fromEntries(Object.entries(cases).map(([n, c]) => [n, (i) => c.hit(i % keys)])),
      options,
    );
    const missCases = Object.fromEntries(
      Object.entries(cases)
        .filter(([, c]) => c.miss)
        .map(([n, c]) => [n, () => c.miss()]),
    );
    // A write's cost includes its share of SQLite's WAL checkpoints, which come every ~1000 pages
    // written. With 1 KB values a batch of 50 writes rarely holds one, so a median of such batches
    // leaves them out, for whichever side writes fewer pages per commit more often than for the
    // other (a raw upsert writes one page, a Cachet entry two: the row and its least-recently-used
    // index entry). Batches of about a megabyte of values hold several: the median then counts
    // that share for both.
    const missBatch = Math.max(50, Math.round(1_000_000 / bytes));
    const misses = await measureAsync('', missCases, {
      ...options,
      batch: smoke ? 2 : missBatch,
      rounds: smoke ? 1 : missBatch > 50 ? 7 : 15,
    });
    const size = bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${Math.round(bytes / 1024)} KB`;
    const mark = (rows, hitRate) => rows.map((row) => ({ ...row, correct: correct[row.name], hitRate }));
    const upsert = (row) => ({ ...row, name: row.name.replace(' select (no decode)', ' upsert') });
    return [
      {
        title: `Persistent hit, ${size} value, memory tier cold`,
        baseline: 'raw better-sqlite3 select (no decode)',
        rows: mark(hits, 1),
        cachet: 'Cachet sqlite',
      },
      {
        title: `Miss + store to disk, ${size} value`,
        baseline: 'raw better-sqlite3 upsert',
        rows: mark(misses, 0).map(upsert),
        cachet: 'Cachet sqlite',
      },
    ];
  } finally {
    await close();
    await closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
