/** The better-sqlite3 adapter: its statements already have the shape the store wants. */
import { createRequire } from 'node:module';
import type { Database } from 'better-sqlite3';
import type { OpenOptions, SqliteDatabase, SqliteDriver, SqliteStatement, StatementShape } from './driver.js';

type BetterSqlite = typeof import('better-sqlite3');

/**
 * Loads better-sqlite3 (an optional dependency); throws what loading throws. Its native part
 * loads at the first open, so one in-memory database is opened here: an addon built for
 * another Node fails now, while the other binding can still be chosen.
 */
export function loadBetterSqlite(): SqliteDriver {
  const Module = createRequire(import.meta.url)('better-sqlite3') as BetterSqlite;
  new Module(':memory:').close();
  return {
    name: 'better-sqlite3',
    open: (file: string, options: OpenOptions) =>
      new BetterDatabase(new Module(file, { timeout: options.timeout, readonly: options.readonly ?? false }), file),
  };
}

class BetterDatabase implements SqliteDatabase {
  readonly driver = 'better-sqlite3' as const;
  readonly readsNul = true;
  /**
   * One `BEGIN IMMEDIATE` wrapper for every transaction, the work passed as its argument:
   * better-sqlite3 builds a new wrapper function per `db.transaction()` call, once per commit.
   */
  private readonly immediate: (work: () => unknown) => unknown;

  constructor(
    private readonly db: Database,
    readonly file: string,
  ) {
    this.immediate = db.transaction((work: () => unknown) => work()).immediate;
  }

  prepare<P extends unknown[], R>(sql: string, shape: StatementShape = {}): SqliteStatement<P, R> {
    const statement = this.db.prepare<P, R>(sql);
    if (shape.raw === true) statement.raw(true);
    if (shape.pluck === true) statement.pluck(true);
    if (shape.bigints === true) statement.safeIntegers(true);
    return statement as unknown as SqliteStatement<P, R>;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  pragma(sql: string): unknown {
    return this.db.pragma(sql, { simple: true });
  }

  transaction<T>(work: () => T): T {
    return this.immediate(work) as T;
  }

  close(): void {
    this.db.close();
  }
}
