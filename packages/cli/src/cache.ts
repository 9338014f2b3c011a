import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSqliteStore, type SqliteStore } from '@cachet/runtime/admin';
import type { StatsCounts } from '@cachet/runtime/store';

/** The cache directory's types (`EntryInfo`, `FunctionSummary`, `StatsTotal`, …), for the commands. */
export type * from '@cachet/runtime/admin';
export type Counts = StatsCounts;

import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';

/** An open cache directory. */
export interface Cache {
  readonly dir: string;
  readonly store: SqliteStore;
}

/** The cache directory: `--dir`, else CACHET_DIR, else `.cachet` in the working directory (as the runtime). */
export function cacheDir(io: Io, dir: string | undefined): string {
  return resolve(io.cwd, dir ?? io.env.CACHET_DIR ?? '.cachet');
}

/** Opens the cache at `dir`; a directory without `cache.db` is an error (never created here). */
export function openCache(io: Io, dir: string): Cache {
  if (!existsSync(join(dir, 'cache.db'))) {
    throw new CliError(`no cache at ${dir} (no cache.db there); pass --dir <path> or set CACHET_DIR`, EXIT.noCache);
  }
  const store = createSqliteStore({
    dir,
    warn: (message, cause) => io.stderr.write(`cachet: ${message}${cause === undefined ? '' : `: ${String(cause)}`}\n`),
  });
  return { dir, store };
}

/** Runs `work` on the cache at `dir` and closes it. */
export function withCache<T>(io: Io, dir: string, work: (cache: Cache) => T): T {
  const cache = openCache(io, dir);
  try {
    return work(cache);
  } finally {
    cache.store.close();
  }
}
