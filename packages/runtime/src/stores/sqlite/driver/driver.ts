/**
 * What the SQLite store needs from a SQLite binding, and nothing more: two adapters implement it
 * (better-sqlite3, and Node's built-in `node:sqlite`), and one store runs on either.
 */

/** The bindings the store runs on. */
export type DriverName = 'better-sqlite3' | 'node:sqlite';

/** How a prepared statement hands rows back. */
export interface StatementShape {
  /** Rows as arrays in column order (no object built per row). */
  readonly raw?: boolean;
  /** The first column's value instead of a row. */
  readonly pluck?: boolean;
  /** INTEGER columns as `bigint` (64-bit hashes need it). */
  readonly bigints?: boolean;
}

/** A prepared statement: `P` its parameters, `R` what a row reads as under its shape. */
export interface SqliteStatement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): { readonly changes: number };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/** An open database connection. */
export interface SqliteDatabase {
  /** The file it was opened on (`:memory:` for a private one). */
  readonly file: string;
  /** Which binding opened it. */
  readonly driver: DriverName;
  /**
   * False when text read back stops at its first NUL character (`node:sqlite` on Node 22 does):
   * columns that may hold NUL (the key text) are then read as bytes, see `textColumn`.
   */
  readonly readsNul: boolean;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string, shape?: StatementShape): SqliteStatement<P, R>;
  /** Runs one or more statements that return nothing. */
  exec(sql: string): void;
  /** Runs `PRAGMA <sql>` and returns the first column of its first row (undefined when none). */
  pragma(sql: string): unknown;
  /**
   * Runs `work` in a `BEGIN IMMEDIATE` transaction (a savepoint when one is already open): it
   * commits when `work` returns and rolls back when it throws.
   */
  transaction<T>(work: () => T): T;
  close(): void;
}

/**
 * `column` as the store should select it: as it is, or, where the binding cuts text at NUL, as
 * the text's UTF-8 bytes (`textOf` turns them back into the full text).
 */
export function textColumn(db: SqliteDatabase, column: string): string {
  return db.readsNul ? column : `CAST(${column} AS BLOB) AS ${column}`;
}

const utf8 = new TextDecoder();

/** Text selected with `textColumn`. */
export function textOf(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : utf8.decode(value);
}

/** What a database is opened with. */
export interface OpenOptions {
  /** Milliseconds a statement waits on another connection's lock. */
  readonly timeout: number;
  /** Open without write access (a tool looking at a cache). @default false */
  readonly readonly?: boolean;
}

/** A loaded binding. */
export interface SqliteDriver {
  readonly name: DriverName;
  open(file: string, options: OpenOptions): SqliteDatabase;
}

/** Opens a database (tests wrap it to inject faults such as a full disk). */
export type OpenDatabase = (file: string, options: OpenOptions) => SqliteDatabase;

/** SQLite's primary result codes by number (the low byte of an extended code). */
const PRIMARY_CODES: readonly string[] = [
  'OK',
  'ERROR',
  'INTERNAL',
  'PERM',
  'ABORT',
  'BUSY',
  'LOCKED',
  'NOMEM',
  'READONLY',
  'INTERRUPT',
  'IOERR',
  'CORRUPT',
  'NOTFOUND',
  'FULL',
  'CANTOPEN',
  'PROTOCOL',
  'EMPTY',
  'SCHEMA',
  'TOOBIG',
  'CONSTRAINT',
  'MISMATCH',
  'MISUSE',
  'NOLFS',
  'AUTH',
  'FORMAT',
  'RANGE',
  'NOTADB',
];

/**
 * The primary SQLite result code (`SQLITE_BUSY`, `SQLITE_CORRUPT`, ...) of an error thrown by
 * either binding: better-sqlite3 names the (extended) code in `code`; `node:sqlite` gives
 * `code: 'ERR_SQLITE_ERROR'` and the extended code's number in `errcode`.
 */
export function sqliteErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code.split('_', 2).join('_');
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    const name = PRIMARY_CODES[errcode & 0xff];
    return name === undefined ? undefined : `SQLITE_${name}`;
  }
  return undefined;
}
