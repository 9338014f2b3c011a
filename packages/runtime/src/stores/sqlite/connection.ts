import { mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { isErrno } from '../blob/blob-files.js';
import { type OpenDatabase, type SqliteDatabase, sqliteErrorCode } from './driver/driver.js';
import { ensureSchema } from './schema.js';

/** An open database and the file identity it was opened on. */
export interface Connection {
  readonly db: SqliteDatabase;
  /** Inode of the file when it was opened (0 for `:memory:`): tells whether it was moved aside. */
  readonly inode: number;
}

export interface ConnectOptions {
  readonly file: string;
  readonly busyTimeout: number;
  readonly open: OpenDatabase;
}

/**
 * Opens the database in WAL mode with `synchronous=NORMAL` (a commit is durable against a
 * process crash; a power loss may drop the last commits, never corrupt) and an explicit busy
 * timeout, and makes sure the schema is there. Throws what SQLite throws: the caller decides
 * whether the file is corrupt.
 */
export function connect(options: ConnectOptions): Connection {
  const memory = options.file === ':memory:';
  if (!memory) mkdirSync(dirname(options.file), { recursive: true });
  const db = options.open(options.file, { timeout: options.busyTimeout });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeout))}`);
    if (!memory) enableWal(db, options.busyTimeout);
    db.pragma('synchronous = NORMAL');
    ensureSchema(db);
    if (!memory) primeLog(db);
    return { db, inode: memory ? 0 : inodeOf(options.file) };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Switches the file to WAL mode (it stays so: later opens find it set). Several processes
 * creating one file at once may see SQLITE_BUSY from this pragma without SQLite's busy handler
 * being called, so it is retried, a few ms apart, for up to `busyTimeout`.
 */
function enableWal(db: SqliteDatabase, busyTimeout: number): void {
  const deadline = Date.now() + busyTimeout;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      if (db.pragma('journal_mode') !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (sqliteErrorCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, wait);
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Leaves a frame in the write-ahead log, so reads take the database's size from the log's index.
 * While the log holds no frame (as when a file is opened after every connection to it closed: the
 * last one checkpoints and removes the log), SQLite reads the file's size with a system call
 * (`fstat`) at the start of every read transaction: on every hit of a process that only reads.
 * One write of an unchanged value (the schema version) at open makes a frame; the log keeps one
 * from then on, as a checkpoint only restarts it when the next write comes. A write that cannot
 * be made now (another process holding the lock past the busy timeout, a full disk) only leaves
 * the system call; a damaged file is thrown, as from every other statement here.
 */
function primeLog(db: SqliteDatabase): void {
  try {
    db.pragma(`user_version = ${db.pragma('user_version') as number}`);
  } catch (error) {
    if (isCorruption(error)) throw error;
  }
}

/** True when SQLite says the file is damaged or is not a database at all. */
export function isCorruption(error: unknown): boolean {
  const code = sqliteErrorCode(error);
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB';
}

/**
 * Moves a damaged database (and its WAL and shared-memory files, which belong to it) aside as
 * `<file>.corrupt-<time>`, so a fresh one can start and the old one can still be inspected. Does
 * nothing when the file at that path is no longer the one we opened (another process already
 * moved it and started afresh). Returns the new name, or undefined.
 */
export function moveAside(file: string, inode: number, now: number): string | undefined {
  if (inode !== 0 && inodeOf(file) !== inode) return undefined;
  const aside = `${file}.corrupt-${now}`;
  renameSync(file, aside);
  for (const suffix of ['-wal', '-shm']) {
    try {
      renameSync(`${file}${suffix}`, `${aside}${suffix}`);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
  }
  return aside;
}

/** The inode of `file`, or -1 when it does not exist. */
export function inodeOf(file: string): number {
  try {
    return statSync(file).ino;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return -1;
    throw error;
  }
}
