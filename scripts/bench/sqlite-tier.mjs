/**
 * The SQLite tier against raw better-sqlite3, in one run:
 *   (a) a hit of a 1 KB value through `cached()` with `storage: 'sqlite'` (no memory tier in front,
 *       so every call reads SQLite), next to a raw prepared point select by INTEGER PRIMARY KEY,
 *       with and without the JSON.parse the raw select leaves undone;
 *   (b) a miss that stores (group commit on the next tick) next to a raw autocommit upsert, each
 *       op followed by one event-loop turn, and bursts of 100 misses in one tick next to 100 raw
 *       upserts in one transaction;
 *   (c) the inline limit: write (commit) and read cost of values from 1 KB to 1 MB kept inline in
 *       the row against the same values in blob files.
 * Both sides use WAL and synchronous=NORMAL on files in the same temp directory.
 * Run: npm run build && node scripts/bench/sqlite-tier.mjs
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cached, close, configure, xxh64 } from '@cachet/runtime';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../packages/runtime/dist/stores/sqlite/sqlite-store.js';
import { measure, measureAsync, print } from './harness.mjs';

const root = mkdtempSync(join(tmpdir(), 'cachet-bench-'));
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A JSON value of about 1 KB that depends on `id`. */
const payload = (id) => ({
  id,
  name: `user ${id}`,
  tags: Array.from({ length: 12 }, (_, i) => `tag-${id}-${i}`),
  bio: 'x'.repeat(720),
});
console.log(`1 KB value: ${JSON.stringify(payload(1)).length} bytes of JSON`);

configure({ dir: join(root, 'cachet') });

// --- raw better-sqlite3 ----------------------------------------------------------------
const raw = new Database(join(root, 'raw.db'));
raw.pragma('journal_mode = WAL');
raw.pragma('synchronous = NORMAL');
raw.exec('CREATE TABLE t (hash INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL)');
const rawSelect = raw.prepare('SELECT value FROM t WHERE hash = ?').pluck();
const rawUpsert = raw.prepare(
  'INSERT INTO t (hash, key, value) VALUES (?, ?, ?) ON CONFLICT (hash) DO UPDATE SET key = excluded.key, value = excluded.value',
);

// --- (a) hit ---------------------------------------------------------------------------------
const KEYS = 1024;
const hit = cached((id) => payload(id), { id: 'bench#hit', storage: 'sqlite' });
const rawKeys = Array.from({ length: KEYS }, (_, i) => {
  const text = `bench#raw\u00000\u0000${i}`;
  return { text, hash: xxh64(text) };
});
for (let i = 0; i < KEYS; i++) {
  hit(i);
  rawUpsert.run(rawKeys[i].hash, rawKeys[i].text, JSON.stringify(payload(i)));
}
await turn(); // the group commit
print(
  measure(
    '(a) hit, 1 KB JSON value, memory tier cold',
    {
      'raw prepared point select': (i) => rawSelect.get(rawKeys[i & (KEYS - 1)].hash),
      'raw point select + JSON.parse': (i) => JSON.parse(rawSelect.get(rawKeys[i & (KEYS - 1)].hash)),
      "cached(), storage: 'sqlite'": (i) => hit(i & (KEYS - 1)),
    },
    { batch: 5000, rounds: 40 },
  ),
  'raw prepared point select',
);

// --- (b) miss + store ----------------------------------------------------------------------
let next = 1_000_000;
const miss = cached((id) => payload(id), { id: 'bench#miss', storage: 'sqlite' });
const rawWrite = (id) => {
  const text = `bench#raw\u00000\u0000${id}`;
  rawUpsert.run(xxh64(text), text, JSON.stringify(payload(id)));
};
print(
  await measureAsync(
    '(b) miss + store, one op per event-loop turn',
    {
      'raw upsert (autocommit)': async () => {
        rawWrite(next++);
        await turn();
      },
      "cached(), storage: 'sqlite'": async () => {
        miss(next++);
        await turn(); // the group commit runs here
      },
    },
    { batch: 500, rounds: 30 },
  ),
  'raw upsert (autocommit)',
);
const rawBurst = raw.transaction((from) => {
  for (let i = 0; i < 100; i++) rawWrite(from + i);
});
print(
  await measureAsync(
    '(b) miss + store, bursts of 100 in one tick (per op)',
    {
      'raw upserts, one transaction': async () => {
        rawBurst(next);
        next += 100;
        await turn();
      },
      "cached(), storage: 'sqlite'": async () => {
        for (let i = 0; i < 100; i++) miss(next++);
        await turn();
      },
    },
    { batch: 20, rounds: 30 },
  ).then((rows) => rows.map((row) => ({ ...row, median: row.median / 100, p99: row.p99 / 100 }))),
  'raw upserts, one transaction',
);
await close();

// --- (c) inline limit ----------------------------------------------------------------------------
console.log('\n(c) inline row vs blob file, v8 codec, a Buffer: write = set + commit, read = get (medians, µs)');
console.log('  size      write inline  write blob   read inline  read blob');
for (const size of [1024, 4096, 16_384, 32_768, 65_536, 131_072, 262_144, 1_048_576]) {
  const results = {};
  for (const [mode, inlineLimit] of [
    ['inline', Number.POSITIVE_INFINITY],
    ['blob', 0],
  ]) {
    const store = createSqliteStore({ dir: join(root, `c-${size}-${mode}`), inlineLimit });
    const keyOf = (i) => {
      const text = `bench#size\u00000\u0000${i}`;
      return { fn: 'bench#size', version: '0', text, hash: xxh64(text) };
    };
    // Every write has new content (a new blob name): the value is serialised by set(), so one
    // buffer stamped with the write's number serves all writes.
    const bytes = Buffer.alloc(size, size & 255);
    const entry = { value: bytes, codec: 'v8', createdAt: 0, expiresAt: Infinity, staleUntil: Infinity };
    const count = Math.max(64, Math.min(2000, (64 * 1024 * 1024) / size));
    let n = 0;
    const [write] = measure(
      'write',
      {
        write: () => {
          const i = n++;
          bytes.writeUInt32LE(i, 0);
          store.set(keyOf(i), entry);
          store.flush();
        },
      },
      { batch: Math.max(4, Math.floor(count / 12)), rounds: 10, warmup: 1 },
    );
    const written = n;
    const [read] = measure('read', { read: (i) => store.get(keyOf(i % written)) }, { batch: 200, rounds: 15 });
    results[mode] = { write: write.median / 1000, read: read.median / 1000 };
    store.close();
  }
  const cell = (v) => v.toFixed(1).padStart(12);
  console.log(
    `  ${`${size / 1024} KB`.padEnd(8)}${cell(results.inline.write)}${cell(results.blob.write)}${cell(results.inline.read)}${cell(results.blob.read)}`,
  );
}

raw.close();
rmSync(root, { recursive: true, force: true });
