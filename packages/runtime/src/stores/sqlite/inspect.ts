/**
 * Read queries and bulk removals for tools that look at a cache directory from outside (the
 * `cachet` CLI and its dashboard). Rare calls: statements are prepared per call, so the store's
 * hot path keeps its own small set.
 */

import { decodeValue, type Encoded } from '../../codec/codecs.js';
import { type SqliteDatabase, textColumn, textOf } from './driver/driver.js';
import type { Rows } from './housekeeping.js';
import { releaseBlob } from './housekeeping.js';

/** One entry's metadata, as `cachet list` and the dashboard show it. */
export interface EntryInfo {
  /** The entry's address: xxh64 of the key text, 16 hex digits. */
  readonly hash: string;
  readonly fn: string;
  readonly version: string;
  /** The full key text (function id, version and the arguments' encoding, NUL-separated). */
  readonly key: string;
  /** The arguments' part of the key text. */
  readonly args: string;
  readonly codec: string;
  readonly createdAt: number;
  /** Null: never expires. */
  readonly expiresAt: number | null;
  /** End of the stale-while-revalidate window; null: forever. */
  readonly staleUntil: number | null;
  /** Last read, at minute grain. */
  readonly accessedAt: number;
  /** Bytes counted against the size limit (value, key text and row overhead). */
  readonly size: number;
  /** Name of the blob file holding the value; null when the value is in the row. */
  readonly blob: string | null;
}

/** Which entries `entries()` returns. */
export interface EntryQuery {
  /** Only this function's entries. */
  readonly fn?: string;
  /** Only entries whose full key text is one of these. */
  readonly keys?: readonly string[];
  /** Only entries whose key text contains this text. */
  readonly contains?: string;
  /** Only entries with a ttl that ends before this time, soonest first (otherwise most recently used first). */
  readonly expiringBefore?: number;
  /** With `expiringBefore`: only entries whose ttl ends after this time (not expired yet). */
  readonly expiringAfter?: number;
  /** @default 100 */
  readonly limit?: number;
  readonly offset?: number;
}

/** One function's entries in the database. */
export interface FunctionSummary {
  readonly fn: string;
  readonly entries: number;
  readonly bytes: number;
  /** Versions present, sorted. */
  readonly versions: readonly string[];
  /** Entries in blob files. */
  readonly blobs: number;
  /** Entries past their ttl (and stale window) that gc has not removed yet. */
  readonly expired: number;
  readonly lastAccess: number;
}

/** How far a long removal got: `cachet gc` and `prune` draw it on a terminal. */
export interface Progress {
  readonly phase: 'expired' | 'orphans' | 'prune' | 'versions';
  readonly done: number;
  readonly total: number;
}

/** Hears how far a long removal got. */
export type OnProgress = (progress: Progress) => void;

interface EntryRowInfo extends Omit<EntryInfo, 'hash' | 'args' | 'key'> {
  readonly hash: bigint;
  readonly key: string | Uint8Array;
}

const infoColumns = (db: SqliteDatabase): string =>
  `hash, fn, version, ${textColumn(db, 'key')}, codec, created_at AS createdAt, expires_at AS expiresAt, stale_until AS staleUntil, accessed_at AS accessedAt, size, blob`;

export function listEntries(db: SqliteDatabase, query: EntryQuery): EntryInfo[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.fn !== undefined) {
    where.push('fn = ?');
    params.push(query.fn);
  }
  if (query.keys !== undefined) {
    where.push(`key IN (${query.keys.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...query.keys);
  }
  if (query.contains !== undefined) {
    where.push('instr(key, ?) > 0');
    params.push(query.contains);
  }
  if (query.expiringBefore !== undefined) {
    where.push('expires_at IS NOT NULL AND expires_at <= ? AND expires_at > ?');
    params.push(query.expiringBefore, query.expiringAfter ?? Number.NEGATIVE_INFINITY);
  }
  const order = query.expiringBefore !== undefined ? 'expires_at, fn' : 'accessed_at DESC, created_at DESC';
  const sql = `SELECT ${infoColumns(db)} FROM entries ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${order} LIMIT ? OFFSET ?`;
  params.push(query.limit ?? 100, query.offset ?? 0);
  const rows = db.prepare<unknown[], EntryRowInfo>(sql, { bigints: true }).all(...params);
  return rows.map(toInfo);
}

/** Per function: entries, bytes, versions, blob files, expired rows, last access. */
export function summarise(db: SqliteDatabase, now: number): FunctionSummary[] {
  const rows = db
    .prepare<[number], Omit<FunctionSummary, 'versions'> & { versions: string }>(
      `SELECT fn, COUNT(*) AS entries, SUM(size) AS bytes, json_group_array(DISTINCT version) AS versions,
         COUNT(blob) AS blobs, SUM(stale_until IS NOT NULL AND stale_until <= ?) AS expired,
         MAX(accessed_at) AS lastAccess
       FROM entries GROUP BY fn ORDER BY fn`,
    )
    .all(now);
  return rows.map((row) => ({ ...row, versions: (JSON.parse(row.versions) as string[]).sort() }));
}

/**
 * The decoded value of the entry at `hash` (16 hex digits), read without touching its access
 * time. Undefined when there is no such entry.
 */
export function readValue(rows: Rows, hash: string): { value: unknown } | undefined {
  const row = rows.db
    .prepare<[bigint], { codec: string; value: Encoded | null; blob: string | null }>(
      'SELECT codec, value, blob FROM entries WHERE hash = ?',
    )
    .get(BigInt.asIntN(64, BigInt(`0x${hash}`)));
  if (row === undefined) return undefined;
  const data = row.blob === null ? row.value : (rows.blobs?.read(row.blob) ?? null);
  if (data === null) return undefined;
  return { value: decodeValue(row.codec, data) };
}

/** Which entries `prune` removes: created, or last read, before `before`. */
export interface PruneQuery {
  readonly before: number;
  readonly by: 'created' | 'accessed';
  readonly fn?: string;
}

/**
 * Removes the entries `query` selects, in write transactions of `batch` rows (other processes
 * get the lock between them), releasing their blob files. Returns how many went.
 */
export function pruneEntries(rows: Rows, query: PruneQuery, onProgress?: OnProgress, batch = 500): number {
  const column = query.by === 'created' ? 'created_at' : 'accessed_at';
  const fnClause = query.fn === undefined ? '' : ' AND fn = ?';
  const params: unknown[] = query.fn === undefined ? [query.before] : [query.before, query.fn];
  const total = rows.db
    .prepare<unknown[], number>(`SELECT COUNT(*) FROM entries WHERE ${column} < ?${fnClause}`, { pluck: true })
    .get(...params) as number;
  const select = rows.db.prepare<unknown[], { hash: bigint; blob: string | null }>(
    `SELECT hash, blob FROM entries WHERE ${column} < ?${fnClause} LIMIT ?`,
    { bigints: true },
  );
  const remove = rows.db.prepare<[bigint, number]>(`DELETE FROM entries WHERE hash = ? AND ${column} < ?`);
  let done = 0;
  const step = (): number =>
    rows.db.transaction(() => {
      let removed = 0;
      for (const row of select.all(...params, batch)) {
        if (remove.run(row.hash, query.before).changes === 0) continue;
        releaseBlob(rows, row.blob);
        removed++;
      }
      return removed;
    });
  onProgress?.({ phase: 'prune', done, total });
  for (let removed = step(); removed > 0; removed = step()) {
    done += removed;
    onProgress?.({ phase: 'prune', done, total: Math.max(total, done) });
  }
  return done;
}

/** How many entries are past their stale window at `now` (what gc will remove). */
export function countExpired(db: SqliteDatabase, now: number): number {
  return db
    .prepare<[number], number>('SELECT COUNT(*) FROM entries WHERE stale_until IS NOT NULL AND stale_until <= ?', {
      pluck: true,
    })
    .get(now) as number;
}

function toInfo(row: EntryRowInfo): EntryInfo {
  const prefix = `${row.fn}\u0000${row.version}\u0000`;
  const key = textOf(row.key);
  return {
    ...row,
    key,
    hash: BigInt.asUintN(64, row.hash).toString(16).padStart(16, '0'),
    args: key.startsWith(prefix) ? key.slice(prefix.length) : key,
    createdAt: Number(row.createdAt),
    expiresAt: row.expiresAt === null ? null : Number(row.expiresAt),
    staleUntil: row.staleUntil === null ? null : Number(row.staleUntil),
    accessedAt: Number(row.accessedAt),
    size: Number(row.size),
  };
}
