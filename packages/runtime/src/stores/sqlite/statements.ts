import { type SqliteDatabase, type SqliteStatement as Statement, textColumn } from './driver/driver.js';

/**
 * A row as `get` reads it (raw, in column order: no object is built per read). The codec comes as
 * a number (`CODECS`): a text column would cost a string per read. A blob file's name is NULL for
 * an inline value (most rows), and read in the same statement as the row, so the two agree.
 */
export type EntryRow = [
  /** Bytes where the binding cuts text at NUL (see `textColumn`). */
  key: string | Uint8Array,
  /** NULL when the value is in a blob file. */
  value: string | Uint8Array | null,
  createdAt: number,
  expiresAt: number | null,
  staleUntil: number | null,
  accessedAt: number,
  /** The stored codec's index in `CODECS`; 0 for a name this runtime does not know. */
  codec: number,
  blob: string | null,
];

/**
 * A row as `getFresh` reads it: `EntryRow` without the times a fresh hit does not use. Each REAL
 * column is a number made per read (timestamps are not small integers): the hit path's largest
 * cost after the value itself.
 */
export type HitRow = [
  key: string | Uint8Array,
  value: string | Uint8Array | null,
  codec: number,
  expiresAt: number | null,
  accessedAt: number,
  blob: string | null,
];

/** The persistent codecs by the number `get` reads (index 0: an unknown name). */
export const CODECS = [undefined, 'json', 'v8'] as const;

/** Every statement the store runs, prepared once per connection. */
export interface Statements {
  readonly get: Statement<[bigint], EntryRow>;
  readonly hit: Statement<[bigint], HitRow>;
  readonly upsert: Statement<
    [
      bigint,
      string,
      string,
      string,
      string,
      number,
      number | null,
      number | null,
      number,
      number,
      unknown,
      string | null,
    ]
  >;
  /** The blob and size of an entry about to be replaced (raw). */
  readonly previous: Statement<[bigint], [blob: string | null, size: number]>;
  readonly touch: Statement<[number, bigint]>;
  /** Deletes one entry if its key text matches; returns its blob. */
  readonly deleteKey: Statement<[bigint, string], { blob: string | null }>;
  /** Deletes an entry whose blob turned out missing or damaged, unless it was rewritten meanwhile. */
  readonly deleteBlobRow: Statement<[bigint, string]>;
  readonly deleteHash: Statement<[bigint], { blob: string | null }>;
  /** True (1) when some entry still refers to a blob (pluck). */
  readonly blobUsed: Statement<[string], 1>;
  readonly blobsOfFn: Statement<[string], string>;
  readonly allBlobs: Statement<[], string>;
  readonly clearFn: Statement<[string]>;
  readonly clearAll: Statement<[]>;
  /** Total encoded bytes as written so far (pluck). */
  readonly bytes: Statement<[], number>;
  /** Adds a writer's bytes to the total (see `ByteCount`). */
  readonly addBytes: Statement<[number]>;
  /** Adds one function's counts to its minute's row. */
  readonly addStats: Statement<[string, number, number, number, number, number, number]>;
  /** Least recently used entries first (safe integers: the hash comes back as a bigint). */
  readonly leastRecent: Statement<[number], { hash: bigint; blob: string | null }>;
  /** Entries past their stale window, oldest first (safe integers). */
  readonly expired: Statement<[number, number], { hash: bigint; blob: string | null }>;
  readonly deleteExpired: Statement<[bigint, number]>;
  /** True (1) when a fresh entry with this key text exists (pluck). */
  readonly fresh: Statement<[bigint, string, number], 1>;
  readonly leaseGet: Statement<[bigint], { owner: string; expires_at: number }>;
  readonly leasePut: Statement<[bigint, string, number]>;
  readonly leaseDelete: Statement<[bigint, string]>;
  readonly leasesExpired: Statement<[number]>;
  readonly functions: Statement<[], { fn: string; entries: number; bytes: number }>;
}

const RAW = { raw: true } as const;
const PLUCK = { pluck: true } as const;
const BIGINTS = { bigints: true } as const;

/** The codec name as its index in `CODECS`. */
const CODEC_INDEX = "CASE codec WHEN 'json' THEN 1 WHEN 'v8' THEN 2 ELSE 0 END";

export function prepare(db: SqliteDatabase): Statements {
  return {
    get: db.prepare<[bigint], EntryRow>(
      `SELECT ${textColumn(db, 'key')}, value, created_at, expires_at, stale_until, accessed_at, ${CODEC_INDEX}, blob
       FROM entries WHERE hash = ?`,
      RAW,
    ),
    hit: db.prepare<[bigint], HitRow>(
      `SELECT ${textColumn(db, 'key')}, value, ${CODEC_INDEX}, expires_at, accessed_at, blob FROM entries WHERE hash = ?`,
      RAW,
    ),
    upsert: db.prepare(
      `INSERT INTO entries (hash, key, fn, version, codec, created_at, expires_at, stale_until, accessed_at, size, value, blob)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hash) DO UPDATE SET key = excluded.key, fn = excluded.fn, version = excluded.version,
         codec = excluded.codec, created_at = excluded.created_at, expires_at = excluded.expires_at,
         stale_until = excluded.stale_until, accessed_at = excluded.accessed_at, size = excluded.size,
         value = excluded.value, blob = excluded.blob`,
    ),
    previous: db.prepare<[bigint], [string | null, number]>('SELECT blob, size FROM entries WHERE hash = ?', RAW),
    touch: db.prepare('UPDATE entries SET accessed_at = ? WHERE hash = ?'),
    deleteKey: db.prepare('DELETE FROM entries WHERE hash = ? AND key = ? RETURNING blob'),
    deleteBlobRow: db.prepare('DELETE FROM entries WHERE hash = ? AND blob = ?'),
    deleteHash: db.prepare('DELETE FROM entries WHERE hash = ? RETURNING blob'),
    blobUsed: db.prepare<[string], 1>('SELECT 1 FROM entries WHERE blob = ? LIMIT 1', PLUCK),
    blobsOfFn: db.prepare<[string], string>(
      'SELECT DISTINCT blob FROM entries WHERE fn = ? AND blob IS NOT NULL',
      PLUCK,
    ),
    allBlobs: db.prepare<[], string>('SELECT DISTINCT blob FROM entries WHERE blob IS NOT NULL', PLUCK),
    clearFn: db.prepare('DELETE FROM entries WHERE fn = ?'),
    clearAll: db.prepare('DELETE FROM entries'),
    bytes: db.prepare<[], number>("SELECT value FROM meta WHERE name = 'bytes'", PLUCK),
    addBytes: db.prepare("UPDATE meta SET value = value + ? WHERE name = 'bytes'"),
    addStats: db.prepare(
      `INSERT INTO stats (fn, minute, hits, misses, stale_hits, herd_joins, errors) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (fn, minute) DO UPDATE SET hits = hits + excluded.hits, misses = misses + excluded.misses,
         stale_hits = stale_hits + excluded.stale_hits, herd_joins = herd_joins + excluded.herd_joins,
         errors = errors + excluded.errors`,
    ),
    leastRecent: db.prepare<[number], { hash: bigint; blob: string | null }>(
      'SELECT hash, blob FROM entries ORDER BY accessed_at LIMIT ?',
      BIGINTS,
    ),
    expired: db.prepare<[number, number], { hash: bigint; blob: string | null }>(
      'SELECT hash, blob FROM entries WHERE stale_until IS NOT NULL AND stale_until <= ? ORDER BY stale_until LIMIT ?',
      BIGINTS,
    ),
    deleteExpired: db.prepare('DELETE FROM entries WHERE hash = ? AND stale_until <= ?'),
    fresh: db.prepare<[bigint, string, number], 1>(
      'SELECT 1 FROM entries WHERE hash = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
      PLUCK,
    ),
    leaseGet: db.prepare('SELECT owner, expires_at FROM leases WHERE hash = ?'),
    leasePut: db.prepare('INSERT OR REPLACE INTO leases (hash, owner, expires_at) VALUES (?, ?, ?)'),
    leaseDelete: db.prepare('DELETE FROM leases WHERE hash = ? AND owner = ?'),
    leasesExpired: db.prepare('DELETE FROM leases WHERE expires_at <= ?'),
    functions: db.prepare('SELECT fn, COUNT(*) AS entries, SUM(size) AS bytes FROM entries GROUP BY fn ORDER BY fn'),
  };
}
