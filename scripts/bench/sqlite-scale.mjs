/**
 * How the SQLite tier's costs grow with the number of entries: for each size, a store is filled
 * with that many small entries (a ~60-byte JSON value each), and a raw table of the same rows is
 * filled beside it on the same binding. Then, interleaved round by round:
 *   - a hit of a random existing key: the store's get() against a raw prepared select of key and
 *     value by INTEGER PRIMARY KEY with JSON.parse;
 *   - a miss that stores a new key: set() + flush() (one commit) against a raw autocommit upsert;
 * and the database file's size per entry. Reads pick keys uniformly at random, so beyond the
 * page cache (SQLite's, then the OS's) a hit costs page reads: the figure that grows.
 * Run: npm run build && node scripts/bench/sqlite-scale.mjs [--sizes 10000,1000000,10000000] [--driver better-sqlite3|node:sqlite]
 */

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xxh64 } from '@cachet/runtime';
import { createSqliteStore } from '@cachet/runtime/admin';
import { measure, print } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sizes = option('--sizes', '10000,1000000,10000000').split(',').map(Number);
const driver = option('--driver', 'better-sqlite3');
const root = mkdtempSync(join(tmpdir(), 'cachet-scale-'));

const fn = 'bench#scale';
const keyOf = (i) => {
  const text = `${fn}\u00000\u0000${i}`;
  return { fn, version: '0', text, hash: xxh64(text) };
};
const payload = (i) => ({ id: i, name: `user ${i}`, score: i % 1000 });
const entryOf = (i) => ({ value: payload(i), codec: 'json', createdAt: 0, expiresAt: Infinity, staleUntil: Infinity });

/** A raw table on the same binding: what an application would write by hand. */
function rawTable(file) {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (hash INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL)');
  const upsert = db.prepare(
    'INSERT INTO t (hash, key, value) VALUES (?, ?, ?) ON CONFLICT (hash) DO UPDATE SET key = excluded.key, value = excluded.value',
  );
  return {
    row: db.prepare('SELECT key, value FROM t WHERE hash = ?').raw(),
    upsert,
    fill: db.transaction((indexes) => {
      for (const i of indexes) {
        const key = keyOf(i);
        upsert.run(key.hash, key.text, JSON.stringify(payload(i)));
      }
    }),
    close: () => db.close(),
  };
}

const sizeOf = (file) => statSync(file).size;

const summary = [];
for (const entries of sizes) {
  const dir = join(root, `n${entries}`);
  const store = createSqliteStore({ dir, driver, maxBytes: Number.MAX_SAFE_INTEGER, gcInterval: 2 ** 31 - 1 });
  const raw = rawTable(join(root, `raw-${entries}.db`));
  const started = Date.now();
  // Filled in the order of the rows' primary key (the hash), so a fill appends to the B-tree
  // instead of writing random pages: minutes instead of hours at 10^7. Reads stay random.
  const hashes = new BigInt64Array(entries);
  for (let i = 0; i < entries; i++) hashes[i] = keyOf(i).hash;
  const order = new Uint32Array(entries).map((_, i) => i).sort((a, b) => (hashes[a] < hashes[b] ? -1 : 1));
  const chunk = 20_000;
  for (let from = 0; from < entries; from += chunk) {
    const to = Math.min(entries, from + chunk);
    for (let at = from; at < to; at++) {
      const i = order[at];
      store.set(keyOf(i), entryOf(i));
    }
    store.flush();
    raw.fill(order.subarray(from, to));
    if (entries >= 1_000_000 && (to / chunk) % 50 === 0) {
      console.log(`  filled ${to} of ${entries} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  }
  const fillSeconds = (Date.now() - started) / 1000;
  // Keys chosen up front so both sides read the same random keys and pay nothing to pick them.
  const picks = Array.from({ length: 1 << 16 }, () => keyOf(Math.floor(Math.random() * entries)));
  const rawPicks = picks.map((key) => key.hash);
  const hits = measure(
    `hit of a random key among ${entries} entries (${driver})`,
    {
      'raw select key, value + JSON.parse': (i) => {
        const row = raw.row.get(rawPicks[i & 0xffff]);
        return row[0] === picks[i & 0xffff].text ? JSON.parse(row[1]) : undefined;
      },
      'Cachet store get': (i) => store.get(picks[i & 0xffff]).value,
    },
    { batch: 5_000, rounds: 30 },
  );
  print(hits, 'raw select key, value + JSON.parse');
  let next = entries;
  let nextRaw = entries;
  const misses = measure(
    `miss + store of a new key beside ${entries} entries (${driver})`,
    {
      'raw autocommit upsert': () => {
        const i = nextRaw++;
        const key = keyOf(i);
        return raw.upsert.run(key.hash, key.text, JSON.stringify(payload(i)));
      },
      'Cachet set + flush': () => {
        const i = next++;
        store.set(keyOf(i), entryOf(i));
        store.flush();
      },
    },
    { batch: 500, rounds: 20 },
  );
  print(misses, 'raw autocommit upsert');
  const median = (rows, name) => rows.find((row) => row.name === name).median;
  store.close(); // closing checkpoints the WAL into the database file, so the size is the data's
  raw.close();
  summary.push({
    entries,
    fillSeconds,
    bytesPerEntry: sizeOf(join(dir, 'cache.db')) / entries,
    rawBytesPerEntry: sizeOf(join(root, `raw-${entries}.db`)) / entries,
    hit: median(hits, 'Cachet store get'),
    rawHit: median(hits, 'raw select key, value + JSON.parse'),
    miss: median(misses, 'Cachet set + flush'),
    rawMiss: median(misses, 'raw autocommit upsert'),
  });
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(root, `raw-${entries}.db`), { force: true });
}
rmSync(root, { recursive: true, force: true });

const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
console.log(
  `\n| entries | fill | bytes per entry (raw) | hit | raw hit | × | miss + store | raw upsert | × |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
);
for (const row of summary) {
  console.log(
    `| ${row.entries.toLocaleString('en')} | ${row.fillSeconds.toFixed(0)} s | ${row.bytesPerEntry.toFixed(0)} (${row.rawBytesPerEntry.toFixed(0)}) | ${us(row.hit)} | ${us(row.rawHit)} | ${(row.hit / row.rawHit).toFixed(2)} | ${us(row.miss)} | ${us(row.rawMiss)} | ${(row.miss / row.rawMiss).toFixed(2)} |`,
  );
}
