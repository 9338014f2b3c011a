/**
 * The adapter for Node's built-in `node:sqlite` (unflagged from Node 22.13 and 23.4). Its
 * statements return objects with number integers; the shape the store asks for is set on the
 * statement where this Node can (`setReturnArrays`, `setReadBigInts`), else applied per row.
 */
import type { OpenOptions, SqliteDatabase, SqliteDriver, SqliteStatement, StatementShape } from './driver.js';

/** The part of `node:sqlite` used here (the project's Node types predate it). */
interface NodeSqlite {
  readonly DatabaseSync: new (
    file: string,
    options?: { readonly timeout?: number; readonly readOnly?: boolean },
  ) => DatabaseSync;
}

interface DatabaseSync {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}

type Row = Record<string, unknown> | unknown[];

interface StatementSync {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
  setReadBigInts(enabled: boolean): void;
  setReturnArrays?(enabled: boolean): void;
}

/**
 * Loads `node:sqlite`, or returns undefined when this Node has none (before 22.13 and 23.4, or
 * behind a flag). Versions that still call it experimental print an ExperimentalWarning when it
 * loads; that one warning is held back (the store chose it, the user did not), any other passes.
 */
export function loadNodeSqlite(): SqliteDriver | undefined {
  const module = withoutSqliteWarning(() => process.getBuiltinModule('node:sqlite') as NodeSqlite | undefined);
  if (module?.DatabaseSync === undefined) return undefined;
  const { DatabaseSync } = module;
  const readsNul = keepsNul(new DatabaseSync(':memory:'));
  return {
    name: 'node:sqlite',
    open: (file: string, options: OpenOptions) =>
      new NodeDatabase(
        new DatabaseSync(file, { timeout: options.timeout, readOnly: options.readonly ?? false }),
        file,
        readsNul,
      ),
  };
}

/** True when text read back keeps a NUL character (Node 24 does; Node 22 stops at it). */
function keepsNul(db: DatabaseSync): boolean {
  try {
    const row = db.prepare("SELECT 'a' || char(0) || 'b' AS text").get() as { text: string };
    return row.text === 'a\u0000b';
  } finally {
    db.close();
  }
}

function withoutSqliteWarning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const text = typeof warning === 'string' ? warning : warning.message;
    const name = typeof warning === 'string' ? type : warning.name;
    if (name === 'ExperimentalWarning' && /\bSQLite\b/.test(text)) return;
    Reflect.apply(emitWarning, process, [warning, ...rest]);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

class NodeDatabase implements SqliteDatabase {
  readonly driver = 'node:sqlite' as const;
  /** Open transactions and savepoints. */
  private depth = 0;

  constructor(
    private readonly db: DatabaseSync,
    readonly file: string,
    readonly readsNul: boolean,
  ) {}

  prepare<P extends unknown[], R>(sql: string, shape: StatementShape = {}): SqliteStatement<P, R> {
    const statement = this.db.prepare(sql);
    if (shape.bigints === true) statement.setReadBigInts(true);
    if (WRITE.test(sql)) return writing(statement);
    const wantsArrays = shape.raw === true || shape.pluck === true;
    if (!wantsArrays) return statement as unknown as SqliteStatement<P, R>;
    if (statement.setReturnArrays !== undefined) {
      statement.setReturnArrays(true);
      if (shape.pluck !== true) return statement as unknown as SqliteStatement<P, R>;
      return mapped(statement, (row) => (row as unknown[])[0]);
    }
    // Older Node: no arrays from the binding; rows are objects in column order.
    if (shape.pluck === true) return mapped(statement, (row) => Object.values(row)[0]);
    return mapped(statement, (row) => Object.values(row));
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  pragma(sql: string): unknown {
    const row = this.db.prepare(`PRAGMA ${sql}`).get();
    return row === undefined ? undefined : Object.values(row)[0];
  }

  transaction<T>(work: () => T): T {
    const savepoint = this.depth > 0 ? `cachet_${this.depth}` : undefined;
    this.db.exec(savepoint === undefined ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = work();
      this.db.exec(savepoint === undefined ? 'COMMIT' : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      this.rollback(savepoint, error);
      throw error;
    } finally {
      this.depth--;
    }
  }

  close(): void {
    this.db.close();
  }

  /**
   * Undoes what failed. SQLite has already rolled back by itself after some errors (a full disk,
   * say), when ROLLBACK reports that no transaction is active: the error that matters is the
   * first one, which the caller throws.
   */
  private rollback(savepoint: string | undefined, cause: unknown): void {
    try {
      this.db.exec(savepoint === undefined ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    } catch (error) {
      if (!/no transaction is active/.test(String((error as Error).message))) {
        throw new AggregateError([cause, error], 'a failed transaction could not be rolled back');
      }
    }
  }
}

/** The statement with each row reshaped by `shape` (the binding cannot shape it itself). */
/** Statements that change rows: `run` reports a rowid, which for the entries table is a 64-bit hash. */
const WRITE = /^\s*(?:INSERT|REPLACE|UPDATE|DELETE|BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/**
 * A statement that changes rows, or a transaction's `BEGIN`/`COMMIT` run as a prepared statement.
 * node:sqlite's `run` returns the connection's last inserted rowid, and where the rowid is a 64-bit
 * hash beyond 2^53 it throws (Node 26) unless integers are read as bigints; the count of changed
 * rows goes back as a number. (Columns these statements return are text.)
 */
function writing<P extends unknown[], R>(statement: StatementSync): SqliteStatement<P, R> {
  statement.setReadBigInts(true);
  return {
    run: (...params) => ({ changes: Number(statement.run(...params).changes) }),
    get: (...params) => statement.get(...params) as R | undefined,
    all: (...params) => statement.all(...params) as R[],
  };
}

function mapped<P extends unknown[], R>(statement: StatementSync, shape: (row: Row) => unknown): SqliteStatement<P, R> {
  return {
    run: (...params) => statement.run(...params) as { changes: number },
    get: (...params) => {
      const row = statement.get(...params);
      return row === undefined ? undefined : (shape(row) as R);
    },
    all: (...params) => statement.all(...params).map((row) => shape(row) as R),
  };
}
