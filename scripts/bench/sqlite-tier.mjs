/**
 * The SQLite tier against raw use of the same binding, once per binding this Node has
 * (better-sqlite3, and Node's built-in node:sqlite from Node 22.13 on; a missing one is skipped
 * with a note):
 *   (a) a hit of a 1 KB value through `cached()` with `storage: 'sqlite'` (no memory tier in front,
 *       so every call reads SQLite), next to a raw prepared point select by INTEGER PRIMARY KEY,
 *       with and without the JSON.parse the raw select leaves undone, and reading the row's key
 *       too (a cache must rule out a hash collision); and the store's own get() without the call
 *       path in front;
 *   (b) a miss that stores (group commit on the next tick) next to a raw autocommit upsert, each
 *       op followed by one event-loop turn, and bursts of 100 misses in one tick next to 100 raw
 *       upserts in one transaction;
 *   (c) the inline limit: write (commit) and read cost of values from 1 KB to 1 MB kept inline in
 *       the row against the same values in blob files.
 * Both sides use WAL and synchronous=NORMAL on files in the same temp directory.
 *   (d) with both bindings here: Cachet on one against Cachet on the other, interleaved.
 *   (e) blob files against the file system alone: a blob write (set + commit) next to writing
 *       the same encoded bytes to a temporary file and renaming it into place, a blob read
 *       (get) next to readFileSync + decode of that file and to the same with the xxh64 check a
 *       read makes; and a JSON value's blob read next to readFileSync + JSON.parse.
 * Run: npm run build && node scripts/bench/sqlite-tier.mjs [--smoke] [--no-sizes] [--compare] [--blobs] [--driver better-sqlite3|node:sqlite]
 * (--compare: only (d); --blobs: only (e))
 */

import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { cached, close, configure, xxh64 } from '@cachet/runtime';
import { createSqliteStore } from '@cachet/runtime/admin';
import { xxh64Bytes } from '../../packages/runtime/dist/key/xxh64.js';
import { measure, measureAsync, print } from './harness.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const only = args.includes('--driver') ? args[args.indexOf('--driver') + 1] : undefined;
/** Batches and rounds, cut down to a quick check under --smoke. */
const size = (batch, rounds) =>
  smoke ? { batch: Math.max(1, Math.ceil(batch / 20)), rounds: 3, warmup: 1 } : { batch, rounds };

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

/**
 * Raw use of each binding, as an application would write it: a table keyed by the hash, a
 * prepared point select returning the value, a prepared upsert, a transaction for bursts.
 */
const raws = {
  'better-sqlite3': (file) => {
    const Database = createRequire(import.meta.url)('better-sqlite3');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return rawOn(db, {
      first: (sql) => db.prepare(sql).pluck(),
      row: (sql) => db.prepare(sql).raw(),
      write: (sql) => db.prepare(sql),
      transaction: (work) => db.transaction(work)(),
    });
  },
  'node:sqlite': (file) => {
    const sqlite = process.getBuiltinModule('node:sqlite');
    if (sqlite === undefined) throw new Error(`Node ${process.version} has no node:sqlite (Node >= 22.13 has it)`);
    const db = new sqlite.DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    const first = (sql) => {
      const statement = db.prepare(sql);
      statement.setReturnArrays?.(true);
      return statement.setReturnArrays === undefined
        ? { get: (...p) => Object.values(statement.get(...p) ?? {})[0] }
        : { get: (...p) => statement.get(...p)?.[0] };
    };
    const transaction = (work) => {
      db.exec('BEGIN IMMEDIATE');
      try {
        work();
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    };
    const row = (sql) => {
      const statement = db.prepare(sql);
      statement.setReturnArrays?.(true);
      return statement.setReturnArrays === undefined
        ? { get: (...p) => Object.values(statement.get(...p) ?? {}) }
        : statement;
    };
    return rawOn(db, { first, row, write: (sql) => db.prepare(sql), transaction });
  },
};

function rawOn(db, { first, row, write, transaction }) {
  db.exec('CREATE TABLE t (hash INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL)');
  return {
    select: first('SELECT value FROM t WHERE hash = ?'),
    /** The same row's key and value, as [key, value]: what a cache must read to rule out a hash collision. */
    row: row('SELECT key, value FROM t WHERE hash = ?'),
    upsert: write(
      'INSERT INTO t (hash, key, value) VALUES (?, ?, ?) ON CONFLICT (hash) DO UPDATE SET key = excluded.key, value = excluded.value',
    ),
    transaction,
    close: () => db.close(),
  };
}

const hits = {};
const skipInline = args.includes('--no-sizes');
const compareOnly = args.includes('--compare');
const blobsOnly = args.includes('--blobs');
for (const driver of Object.keys(raws)) {
  if (blobsOnly || (only !== undefined && driver !== only)) continue;
  let raw;
  try {
    raw = raws[driver](join(root, `raw-${driver.replace(':', '-')}.db`));
  } catch (error) {
    console.log(`\nskipped ${driver}: ${String(error.message).split('\n')[0]}`);
    continue;
  }
  console.log(`\n=== ${driver} (Node ${process.version}) ===`);
  hits[driver] = compareOnly ? 0 : await tier(driver, raw);
  raw.close();
}

if (Object.keys(hits).length === 2) await headToHead();
if (blobsOnly || (!compareOnly && !skipInline)) blobsAgainstFiles(only ?? 'better-sqlite3');
rmSync(root, { recursive: true, force: true });

/**
 * (e) The blob path against the file system alone, per value size: a write is set + commit
 * against serialise + write a temporary file + rename it into place; a read is get against
 * readFileSync + deserialise. Both sides write fresh content every time (a stamped counter).
 */
function blobsAgainstFiles(driver) {
  if (driver === undefined) return;
  const sizes = smoke ? [65_536] : [65_536, 262_144, 1_048_576];
  for (const bytesPerValue of sizes) {
    const store = createSqliteStore({ dir: join(root, `e-${bytesPerValue}`), inlineLimit: 0, driver });
    const files = join(root, `e-raw-${bytesPerValue}`);
    mkdirSync(join(files, 'tmp'), { recursive: true });
    const value = Buffer.alloc(bytesPerValue, 7);
    const keyOf = (i) => {
      const text = `bench#blob\u00000\u0000${i}`;
      return { fn: 'bench#blob', version: '0', text, hash: xxh64(text) };
    };
    const entry = { value, codec: 'v8', createdAt: 0, expiresAt: Infinity, staleUntil: Infinity };
    let n = 0;
    let m = 0;
    const count = { batch: smoke ? 4 : Math.max(4, Math.floor((8 * 2 ** 20) / bytesPerValue)), rounds: smoke ? 3 : 15 };
    const writes = measure(
      `(e) blob write, ${bytesPerValue / 1024} KB, ${driver}`,
      {
        'temp file + rename': () => {
          value.writeUInt32LE(m, 0);
          const temp = join(files, 'tmp', `${m}.tmp`);
          writeFileSync(temp, serialize(value));
          renameSync(temp, join(files, `${m++}`));
        },
        'Cachet set + commit': () => {
          value.writeUInt32LE(n, 0);
          store.set(keyOf(n++), entry);
          store.flush();
        },
      },
      count,
    );
    print(writes, 'temp file + rename');
    const written = Math.min(n, m);
    const reads = measure(
      `(e) blob read, ${bytesPerValue / 1024} KB, ${driver}`,
      {
        'readFileSync + deserialize': (i) => deserialize(readFileSync(join(files, `${i % written}`))),
        // What a blob read adds to the file system besides the row: the bytes checked against
        // the xxh64 their name holds, so that a damaged file is never decoded.
        'readFileSync + xxh64 check + deserialize': (i) => {
          const bytes = readFileSync(join(files, `${i % written}`));
          if (xxh64Bytes(bytes) === 0n) throw new Error('unexpected hash');
          return deserialize(bytes);
        },
        'Cachet get': (i) => store.get(keyOf(i % written)).value,
      },
      count,
    );
    print(reads, 'readFileSync + deserialize');
    jsonBlobReads(store, files, bytesPerValue, keyOf, count, driver);
    store.close();
  }
}

/**
 * (e) A blob read of a JSON value of about the same size (objects of a few fields), where decoding
 * is most of the work, against readFileSync + JSON.parse of the same text.
 */
function jsonBlobReads(store, files, bytesPerValue, keyOf, count, driver) {
  const value = Array.from({ length: Math.round(bytesPerValue / 64) }, (_, i) => ({
    id: i,
    name: `item ${i}`,
    score: i / 4,
  }));
  const text = JSON.stringify(value);
  const entry = { value, codec: 'json', createdAt: 0, expiresAt: Infinity, staleUntil: Infinity };
  const FILES = 16;
  for (let i = 0; i < FILES; i++) {
    store.set(keyOf(`json-${i}`), entry);
    writeFileSync(join(files, `json-${i}`), text);
  }
  store.flush();
  const reads = measure(
    `(e) blob read, a JSON value of ${Math.round(Buffer.byteLength(text) / 1024)} KB, ${driver}`,
    {
      'readFileSync + JSON.parse': (i) => JSON.parse(readFileSync(join(files, `json-${i % FILES}`), 'utf8')),
      'Cachet get': (i) => store.get(keyOf(`json-${i % FILES}`)).value,
    },
    { batch: Math.max(4, Math.round(count.batch / 8)), rounds: count.rounds },
  );
  print(reads, 'readFileSync + JSON.parse');
}

/**
 * (d) Cachet on one binding against Cachet on the other, interleaved round by round in one
 * group (so a busy machine slows both alike): what decides which binding `auto` prefers.
 */
/** A store name for a driver (store names are letters, digits, _ and -). */
function storeName(driver) {
  return `d-${driver.replace(/[^\w-]/g, '-')}`;
}

async function headToHead() {
  const drivers = ['better-sqlite3', 'node:sqlite'];
  const stores = Object.fromEntries(
    drivers.map((driver) => [storeName(driver), createSqliteStore({ dir: join(root, storeName(driver)), driver })]),
  );
  configure({ stores });
  const KEYS = 1024;
  const fns = Object.fromEntries(
    drivers.map((driver) => [
      driver,
      cached((id) => payload(id), { id: `bench#d-${driver}`, storage: storeName(driver) }),
    ]),
  );
  for (const driver of drivers) for (let i = 0; i < KEYS; i++) fns[driver](i);
  await turn();
  print(
    measure(
      '(d) Cachet hit, 1 KB JSON value, better-sqlite3 against node:sqlite (interleaved)',
      Object.fromEntries(drivers.map((driver) => [`cached() on ${driver}`, (i) => fns[driver](i & (KEYS - 1))])),
      size(5000, 40),
    ),
    'cached() on better-sqlite3',
  );
  let next = 1_000_000;
  print(
    await measureAsync(
      '(d) Cachet miss + store, 100 per turn (per op), better-sqlite3 against node:sqlite (interleaved)',
      Object.fromEntries(
        drivers.map((driver) => [
          `cached() on ${driver}`,
          async () => {
            for (let i = 0; i < 100; i++) fns[driver](next++);
            await turn();
          },
        ]),
      ),
      size(20, 30),
    ).then((rows) => rows.map((row) => ({ ...row, median: row.median / 100, p99: row.p99 / 100 }))),
    'cached() on better-sqlite3',
  );
  await close();
}

/** Runs (a), (b) and (c) on one binding; returns the median of a Cachet hit in ns. */
async function tier(driver, raw) {
  configure({ dir: join(root, `cachet-${driver.replace(':', '-')}`), sqlite: { driver } });
  const label = `cached(), storage: 'sqlite' on ${driver}`;
  const rawLabel = `raw ${driver} point select`;

  // --- (a) hit ---------------------------------------------------------------------------------
  const KEYS = 1024;
  const hit = cached((id) => payload(id), { id: `bench#hit-${driver}`, storage: 'sqlite' });
  const rawKeys = Array.from({ length: KEYS }, (_, i) => {
    const text = `bench#raw\u00000\u0000${i}`;
    return { text, hash: xxh64(text) };
  });
  const store = createSqliteStore({ dir: join(root, `a-${driver.replace(':', '-')}`), driver });
  const storeKeys = rawKeys.map(({ text }) => ({ fn: 'bench#raw', version: '0', text, hash: xxh64(text) }));
  for (let i = 0; i < KEYS; i++) {
    hit(i);
    raw.upsert.run(rawKeys[i].hash, rawKeys[i].text, JSON.stringify(payload(i)));
    store.set(storeKeys[i], {
      value: payload(i),
      codec: 'json',
      createdAt: 0,
      expiresAt: Infinity,
      staleUntil: Infinity,
    });
  }
  await turn(); // the group commit
  const a = measure(
    `(a) hit, 1 KB JSON value, memory tier cold, ${driver}`,
    {
      [rawLabel]: (i) => raw.select.get(rawKeys[i & (KEYS - 1)].hash),
      [`${rawLabel} + JSON.parse`]: (i) => JSON.parse(raw.select.get(rawKeys[i & (KEYS - 1)].hash)),
      [`${rawLabel} of key and value, key check + JSON.parse`]: (i) => {
        const { text, hash } = rawKeys[i & (KEYS - 1)];
        const [key, value] = raw.row.get(hash);
        return key === text ? JSON.parse(value) : undefined;
      },
      [`store.get() on ${driver} (no call path)`]: (i) => store.get(storeKeys[i & (KEYS - 1)]).value,
      [label]: (i) => hit(i & (KEYS - 1)),
    },
    size(5000, 40),
  );
  print(a, rawLabel);
  store.close();
  // Above, hits come in bursts (one synchronous loop), and Cachet's reads in one event-loop turn
  // share a read transaction; here each hit has a turn of its own, as one request per turn would.
  const checked = `${rawLabel} of key and value, key check + JSON.parse`;
  print(
    await measureAsync(
      `(a) hit, one per event-loop turn, 1 KB JSON value, ${driver}`,
      {
        [checked]: async (i) => {
          const { text, hash } = rawKeys[i & (KEYS - 1)];
          const [key, value] = raw.row.get(hash);
          if (key === text) JSON.parse(value);
          await turn();
        },
        [label]: async (i) => {
          hit(i & (KEYS - 1));
          await turn();
        },
      },
      size(500, 30),
    ),
    checked,
  );

  // --- (b) miss + store ----------------------------------------------------------------------
  let next = 1_000_000;
  const miss = cached((id) => payload(id), { id: `bench#miss-${driver}`, storage: 'sqlite' });
  const rawWrite = (id) => {
    const text = `bench#raw\u00000\u0000${id}`;
    raw.upsert.run(xxh64(text), text, JSON.stringify(payload(id)));
  };
  print(
    await measureAsync(
      `(b) miss + store, one op per event-loop turn, ${driver}`,
      {
        [`raw ${driver} upsert (autocommit)`]: async () => {
          rawWrite(next++);
          await turn();
        },
        [label]: async () => {
          miss(next++);
          await turn(); // the group commit runs here
        },
      },
      size(500, 30),
    ),
    `raw ${driver} upsert (autocommit)`,
  );
  const burst = size(20, 30);
  print(
    await measureAsync(
      `(b) miss + store, bursts of 100 in one tick (per op), ${driver}`,
      {
        [`raw ${driver} upserts, one transaction`]: async () => {
          const from = next;
          raw.transaction(() => {
            for (let i = 0; i < 100; i++) rawWrite(from + i);
          });
          next += 100;
          await turn();
        },
        [label]: async () => {
          for (let i = 0; i < 100; i++) miss(next++);
          await turn();
        },
      },
      burst,
    ).then((rows) => rows.map((row) => ({ ...row, median: row.median / 100, p99: row.p99 / 100 }))),
    `raw ${driver} upserts, one transaction`,
  );
  await close();

  // --- (c) inline limit ----------------------------------------------------------------------------
  if (skipInline) return a.find((row) => row.name === label).median;
  console.log(
    `\n(c) inline row vs blob file, v8 codec, a Buffer, ${driver}: write = set + commit, read = get (medians, µs)`,
  );
  console.log('  size      write inline  write blob   read inline  read blob');
  const sizes = smoke ? [1024, 65_536] : [1024, 4096, 16_384, 32_768, 65_536, 131_072, 262_144, 1_048_576];
  for (const bytesPerValue of sizes) {
    const results = {};
    for (const [mode, inlineLimit] of [
      ['inline', Number.POSITIVE_INFINITY],
      ['blob', 0],
    ]) {
      const store = createSqliteStore({
        dir: join(root, `c-${driver.replace(':', '-')}-${bytesPerValue}-${mode}`),
        inlineLimit,
        driver,
      });
      const keyOf = (i) => {
        const text = `bench#size\u00000\u0000${i}`;
        return { fn: 'bench#size', version: '0', text, hash: xxh64(text) };
      };
      // Every write has new content (a new blob name): the value is serialised by set(), so one
      // buffer stamped with the write's number serves all writes.
      const bytes = Buffer.alloc(bytesPerValue, bytesPerValue & 255);
      const entry = { value: bytes, codec: 'v8', createdAt: 0, expiresAt: Infinity, staleUntil: Infinity };
      const count = Math.max(64, Math.min(2000, (64 * 1024 * 1024) / bytesPerValue));
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
        smoke ? size(8, 3) : { batch: Math.max(4, Math.floor(count / 12)), rounds: 10, warmup: 1 },
      );
      const written = n;
      const [read] = measure('read', { read: (i) => store.get(keyOf(i % written)) }, size(200, 15));
      results[mode] = { write: write.median / 1000, read: read.median / 1000 };
      store.close();
    }
    const cell = (v) => v.toFixed(1).padStart(12);
    console.log(
      `  ${`${bytesPerValue / 1024} KB`.padEnd(8)}${cell(results.inline.write)}${cell(results.blob.write)}${cell(results.inline.read)}${cell(results.blob.read)}`,
    );
  }
  return a.find((row) => row.name === label).median;
}
