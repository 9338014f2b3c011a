/**
 * Which SQLite binding a store runs on: the one asked for (the store's `driver` option, else
 * `CACHET_SQLITE`), otherwise the preferred one that loads here. Bindings load on first use, so
 * importing the runtime loads neither, and a process that never opens a persistent tier never
 * loads one.
 */
import { CachetConfigError, CachetStoreError } from '../../../errors.js';
import { loadBetterSqlite } from './better-sqlite3.js';
import type { DriverName, SqliteDriver } from './driver.js';
import { loadNodeSqlite } from './node-sqlite.js';

/** What a store may ask for: a binding, or `auto` (the default). */
export type DriverChoice = DriverName | 'auto';

/**
 * The order `auto` tries: better-sqlite3 first. Measured on Node 24 (docs/storage.md, "Cost"),
 * hits and group commits through the store cost 4-12% more on `node:sqlite`, and better-sqlite3
 * is there on every supported Node; `node:sqlite` is the fallback that needs no install.
 */
export const AUTO_ORDER: readonly DriverName[] = ['better-sqlite3', 'node:sqlite'];

/** What loading a binding gave: the driver, or why it is not there. */
type Loaded = { readonly driver: SqliteDriver } | { readonly missing: string; readonly cause?: unknown };

/** Loading is a fact of the process (a module either loads or not), so it is remembered for it. */
const loaded = new Map<DriverName, Loaded>();

/** Tries to load `name` once per process. */
export function tryDriver(name: DriverName): Loaded {
  let result = loaded.get(name);
  if (result === undefined) {
    result = name === 'better-sqlite3' ? tryBetterSqlite() : tryNodeSqlite();
    loaded.set(name, result);
  }
  return result;
}

/** Reads `CACHET_SQLITE` (`better-sqlite3`, `node`/`node:sqlite`, `auto`, or unset). */
export function driverFromEnv(value: string | undefined = process.env.CACHET_SQLITE): DriverChoice {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'better-sqlite3') return value;
  if (value === 'node' || value === 'node:sqlite') return 'node:sqlite';
  throw new CachetConfigError(`CACHET_SQLITE must be better-sqlite3, node or auto, got "${value}"`);
}

/**
 * The driver for `choice` (`auto`: from the environment, then the preferred one that loads).
 * Throws `CACHET_E_NO_SQLITE` naming the fix when none is there.
 */
export function chooseDriver(choice: DriverChoice | undefined): SqliteDriver {
  return chooseFrom(choice ?? driverFromEnv());
}

function chooseFrom(choice: DriverChoice): SqliteDriver {
  if (choice !== 'auto' && !AUTO_ORDER.includes(choice))
    throw new CachetConfigError(`sqlite.driver must be better-sqlite3, node:sqlite or auto, got "${String(choice)}"`);
  const names = choice === 'auto' ? AUTO_ORDER : [choice];
  const reasons: string[] = [];
  let cause: unknown;
  for (const name of names) {
    const result = tryDriver(name);
    if ('driver' in result) return result.driver;
    reasons.push(result.missing);
    cause ??= result.cause;
  }
  const fix =
    choice === 'auto'
      ? 'npm install better-sqlite3, or run on Node >= 22.13 (built-in node:sqlite)'
      : choice === 'node:sqlite'
        ? 'run on Node >= 22.13, or ask for better-sqlite3 (CACHET_SQLITE=better-sqlite3)'
        : 'npm install better-sqlite3, or ask for node:sqlite (CACHET_SQLITE=node)';
  throw new CachetStoreError(
    `storage=sqlite, fs and tiered need SQLite, and ${reasons.join('; ')}: ${fix}. Until then, caching in memory only.`,
    { cause, code: 'CACHET_E_NO_SQLITE' },
  );
}

function tryBetterSqlite(): Loaded {
  try {
    return { driver: loadBetterSqlite() };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing =
      code === 'MODULE_NOT_FOUND'
        ? 'better-sqlite3 is not installed'
        : `better-sqlite3 does not load on this Node (${process.version}; reinstall it to rebuild)`;
    return code === 'MODULE_NOT_FOUND' ? { missing } : { missing, cause: error };
  }
}

function tryNodeSqlite(): Loaded {
  const driver = loadNodeSqlite();
  return driver === undefined ? { missing: `Node ${process.version} has no node:sqlite` } : { driver };
}
