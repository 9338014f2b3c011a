import { join } from 'node:path';
import { CachetConfigError } from '../../errors.js';
import { chooseDriver, type DriverChoice } from './driver/choose.js';
import type { OpenDatabase } from './driver/driver.js';

/** Values whose encoded size is above this go to blob files under `storage=sqlite` (docs/storage.md). */
export const DEFAULT_INLINE_LIMIT: number = 64 * 1024;
/** Total bytes of SQLite rows and blob files together. */
export const DEFAULT_MAX_BYTES: number = 1024 * 1024 * 1024;
/** How long a write waits on another process's lock before the tier is skipped. */
export const DEFAULT_BUSY_TIMEOUT = 5000;

/** Options of `createSqliteStore`. */
export interface SqliteStoreOptions {
  /** Directory holding `cache.db` and `blobs/`, or `':memory:'` for a private in-memory database (no blobs). */
  readonly dir: string;
  /** Name in logs, stats and `withCacheOptions({ tiers })`. @default 'sqlite' */
  readonly name?: string;
  /** Encoded values above this many bytes go to blob files; 0 puts every value in a blob file. @default 64 KiB */
  readonly inlineLimit?: number;
  /** Total bytes of rows and blob files; least recently used entries are removed first. @default 1 GiB */
  readonly maxBytes?: number;
  /** Milliseconds to wait on another process's lock before a call gives up. @default 5000 */
  readonly busyTimeout?: number;
  /** The clock of entry times and access times. @default Date.now */
  readonly now?: () => number;
  /** Where a repaired fault (a corrupt file moved aside, an entry that failed to decode) is reported. @default console.warn */
  readonly warn?: (message: string, cause?: unknown) => void;
  /** Milliseconds between background garbage collections (unref'd timer). @default 1 hour */
  readonly gcInterval?: number;
  /** Orphaned blob files and temporaries younger than this many (wall-clock) ms are kept by gc. @default 1 hour */
  readonly blobGrace?: number;
  /**
   * The SQLite binding: `better-sqlite3`, `node:sqlite` (Node >= 22.13), or `auto`: the first of
   * those two that loads here. Loaded when the database is first opened. @default CACHET_SQLITE, else 'auto'
   */
  readonly driver?: DriverChoice;
  /** Opens the database; tests wrap it to inject faults. @default the `driver`'s */
  readonly open?: OpenDatabase;
}

/** The options resolved once: nothing reads `SqliteStoreOptions` afterwards. */
export interface ResolvedSqliteStoreOptions {
  readonly name: string;
  /** Database file, or `:memory:`. */
  readonly file: string;
  /** Blob directory; undefined for `:memory:` (every value inline). */
  readonly blobDir: string | undefined;
  readonly inlineLimit: number;
  readonly maxBytes: number;
  readonly busyTimeout: number;
  readonly now: () => number;
  readonly warn: (message: string, cause?: unknown) => void;
  readonly gcInterval: number;
  readonly blobGrace: number;
  readonly open: OpenDatabase;
}

export function resolveSqliteStoreOptions(options: SqliteStoreOptions): ResolvedSqliteStoreOptions {
  const memory = options.dir === ':memory:';
  return {
    name: options.name ?? 'sqlite',
    file: memory ? ':memory:' : join(options.dir, 'cache.db'),
    blobDir: memory ? undefined : join(options.dir, 'blobs'),
    inlineLimit: atLeast(0, options.inlineLimit, 'inlineLimit') ?? DEFAULT_INLINE_LIMIT,
    maxBytes: atLeast(1, options.maxBytes, 'maxBytes') ?? DEFAULT_MAX_BYTES,
    // Both bindings take whole milliseconds only: a fraction would fail every open.
    busyTimeout: Math.ceil(atLeast(0, options.busyTimeout, 'busyTimeout') ?? DEFAULT_BUSY_TIMEOUT),
    now: options.now ?? Date.now,
    warn: options.warn ?? ((message, cause) => console.warn(`[cachet] ${message}`, cause)),
    gcInterval: atLeast(1, options.gcInterval, 'gcInterval') ?? 3_600_000,
    blobGrace: atLeast(0, options.blobGrace, 'blobGrace') ?? 3_600_000,
    open: options.open ?? openWith(options.driver),
  };
}

/** Opens with the chosen binding, chosen (and loaded) at the first open. */
function openWith(choice: DriverChoice | undefined): OpenDatabase {
  return (file, options) => chooseDriver(choice).open(file, options);
}

function atLeast(min: number, value: number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value >= min)) throw new CachetConfigError(`sqlite ${what} must be a number >= ${min}, got ${value}`);
  return value;
}
