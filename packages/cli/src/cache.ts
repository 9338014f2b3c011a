import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSqliteStore, type StatsSample, type SyncStore } from '@cachet/runtime';
import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';

/*
 * What the runtime's SQLite store offers tools besides the Store contract. The runtime's entry
 * does not export these types yet, so they are declared here, and checked when a cache is opened.
 */

/** One entry's metadata. Times are ms since the epoch; null means forever. */
export interface EntryInfo {
  readonly hash: string;
  readonly fn: string;
  readonly version: string;
  readonly key: string;
  readonly args: string;
  readonly codec: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly staleUntil: number | null;
  readonly accessedAt: number;
  readonly size: number;
  readonly blob: string | null;
}

export interface EntryQuery {
  readonly fn?: string;
  readonly keys?: readonly string[];
  readonly contains?: string;
  readonly expiringBefore?: number;
  readonly expiringAfter?: number;
  readonly limit?: number;
  readonly offset?: number;
}

export interface FunctionSummary {
  readonly fn: string;
  readonly entries: number;
  readonly bytes: number;
  readonly versions: readonly string[];
  readonly blobs: number;
  readonly expired: number;
  readonly lastAccess: number;
}

export type Counts = Omit<StatsSample, 'fn' | 'at'>;

export interface StatsTotal extends Counts {
  readonly fn: string;
  readonly first: number;
  readonly last: number;
}

export interface StatsPoint extends Counts {
  readonly fn: string;
  readonly at: number;
}

export interface Progress {
  readonly phase: 'expired' | 'orphans' | 'prune';
  readonly done: number;
  readonly total: number;
}

export type OnProgress = (progress: Progress) => void;

/** The SQLite store as tools use it. */
export interface ToolStore extends SyncStore {
  entries(query?: EntryQuery): EntryInfo[];
  summary(): FunctionSummary[];
  value(hash: string): { value: unknown } | undefined;
  statsTotals(since?: number): StatsTotal[];
  statsSeries(since: number, bucket: number): StatsPoint[];
  prune(query: { before: number; by: 'created' | 'accessed'; fn?: string }, onProgress?: OnProgress): number;
  gc(onProgress?: OnProgress): number;
}

/** An open cache directory. */
export interface Cache {
  readonly dir: string;
  readonly store: ToolStore;
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
  }) as Partial<ToolStore> & SyncStore;
  if (typeof store.summary !== 'function' || typeof store.statsSeries !== 'function') {
    store.close();
    throw new CliError(
      'this @cachet/runtime cannot be inspected; install the same version as @cachet/cli',
      EXIT.failed,
    );
  }
  return { dir, store: store as ToolStore };
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
