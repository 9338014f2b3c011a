import { CachetStoreError } from '../../errors.js';
import type { SqliteDatabase } from './driver/driver.js';

/**
 * Bumped when the tables change. An older database is migrated in place (its entries kept); a
 * newer one is not touched.
 */
export const SCHEMA_VERSION = 3;

/**
 * One row per entry, addressed by the signed xxh64 of the full key text. Times are milliseconds
 * of the runtime's clock; NULL `expires_at`/`stale_until` mean forever. The value is either
 * inline (`value`: TEXT for json, BLOB for v8) or in a blob file (`blob`: its file name).
 * `size` is the encoded size, inline or not. `meta.bytes` is SUM(size): a delete trigger subtracts
 * what any statement removes, and writers add what they wrote (see `ByteCount`), so the size
 * limit is checked with a point read, whichever process wrote. Every index is one more page a
 * single-row commit writes, so there are only those the store's own statements need.
 */
const CREATE = `
CREATE TABLE entries (
  hash        INTEGER PRIMARY KEY,
  key         TEXT    NOT NULL,
  fn          TEXT    NOT NULL,
  version     TEXT    NOT NULL,
  codec       TEXT    NOT NULL,
  created_at  REAL    NOT NULL,
  expires_at  REAL,
  stale_until REAL,
  accessed_at REAL    NOT NULL,
  size        INTEGER NOT NULL,
  value       BLOB,
  blob        TEXT
);
CREATE INDEX entries_accessed ON entries (accessed_at);
CREATE INDEX entries_blob ON entries (blob) WHERE blob IS NOT NULL;
CREATE INDEX entries_stale ON entries (stale_until) WHERE stale_until IS NOT NULL;

CREATE TABLE leases (
  hash       INTEGER PRIMARY KEY,
  owner      TEXT NOT NULL,
  expires_at REAL NOT NULL
);

CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (name, value) VALUES ('bytes', 0);

CREATE TRIGGER entries_bytes_delete AFTER DELETE ON entries BEGIN
  UPDATE meta SET value = value - OLD.size WHERE name = 'bytes';
END;
`;

/**
 * Version 2: counters per function and minute, added to by every process that reports
 * (`recordStats`), read by `cachet stats` and the dashboard. `minute` is the minute's start in ms.
 */
const CREATE_STATS = `
CREATE TABLE stats (
  fn         TEXT    NOT NULL,
  minute     REAL    NOT NULL,
  hits       INTEGER NOT NULL DEFAULT 0,
  misses     INTEGER NOT NULL DEFAULT 0,
  stale_hits INTEGER NOT NULL DEFAULT 0,
  herd_joins INTEGER NOT NULL DEFAULT 0,
  errors     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (fn, minute)
) WITHOUT ROWID;
CREATE INDEX stats_minute ON stats (minute);
`;

/**
 * Version 3: a write no longer updates three more pages than the row's own. The index on `fn`
 * (admin queries by function now scan) and the insert and update triggers on `meta.bytes` (the
 * writer adds its bytes, batched) go; the delete trigger stays.
 */
const LEANER_WRITES = `
DROP INDEX IF EXISTS entries_fn;
DROP TRIGGER IF EXISTS entries_bytes_insert;
DROP TRIGGER IF EXISTS entries_bytes_update;
`;

/** What turns a database of version `from` into the next version. */
const MIGRATIONS: Readonly<Record<number, string>> = { 1: CREATE_STATS, 2: LEANER_WRITES };

/**
 * Creates the tables in a new database, migrates an older one, or checks the version of a current
 * one. Creation and migration run in one `BEGIN IMMEDIATE` transaction, so processes opening a
 * file at once change it once.
 */
export function ensureSchema(db: SqliteDatabase): void {
  if (db.pragma('user_version') === SCHEMA_VERSION) return; // the usual case: no write lock
  db.transaction(() => {
    const version = db.pragma('user_version') as number;
    if (version === SCHEMA_VERSION) return;
    if (version > SCHEMA_VERSION || !Number.isInteger(version) || version < 0) {
      throw new CachetStoreError(
        `${db.file} has cache schema ${version}, this runtime knows ${SCHEMA_VERSION}; use another cache directory`,
      );
    }
    if (version === 0) db.exec(CREATE + CREATE_STATS);
    else for (let from = version; from < SCHEMA_VERSION; from++) db.exec(MIGRATIONS[from] as string);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
}
