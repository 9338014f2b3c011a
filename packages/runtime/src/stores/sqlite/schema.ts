import type { Database } from 'better-sqlite3';
import { CachetStoreError } from '../../errors.js';

/** Bumped when the tables change; a database with another version is not touched. */
export const SCHEMA_VERSION = 1;

/**
 * One row per entry, addressed by the signed xxh64 of the full key text. Times are milliseconds
 * of the runtime's clock; NULL `expires_at`/`stale_until` mean forever. The value is either
 * inline (`value`: TEXT for json, BLOB for v8) or in a blob file (`blob`: its content name).
 * `size` is the encoded size, inline or not; `meta.bytes` is kept equal to SUM(size) by triggers,
 * so the size limit is checked with a point read, whichever process wrote.
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
CREATE INDEX entries_fn ON entries (fn);
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

CREATE TRIGGER entries_bytes_insert AFTER INSERT ON entries BEGIN
  UPDATE meta SET value = value + NEW.size WHERE name = 'bytes';
END;
CREATE TRIGGER entries_bytes_delete AFTER DELETE ON entries BEGIN
  UPDATE meta SET value = value - OLD.size WHERE name = 'bytes';
END;
CREATE TRIGGER entries_bytes_update AFTER UPDATE OF size ON entries BEGIN
  UPDATE meta SET value = value - OLD.size + NEW.size WHERE name = 'bytes';
END;
`;

/**
 * Creates the tables in a new database, or checks the version of an existing one. Creation runs
 * in one `BEGIN IMMEDIATE` transaction, so processes opening a new file at once create it once.
 */
export function ensureSchema(db: Database): void {
  if (db.pragma('user_version', { simple: true }) === SCHEMA_VERSION) return; // the usual case: no write lock
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === SCHEMA_VERSION) return;
    if (version !== 0) {
      throw new CachetStoreError(
        `${db.name} has cache schema ${version}, this runtime knows ${SCHEMA_VERSION}; use another cache directory`,
      );
    }
    db.exec(CREATE);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
