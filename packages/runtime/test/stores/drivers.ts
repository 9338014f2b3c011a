/**
 * The SQLite tests run once per binding. A binding this Node cannot load is skipped with one
 * printed line saying how to get it; under CI a binding that should load here fails instead
 * (better-sqlite3 always, node:sqlite from Node 22.13 and 23.4 on).
 */
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { tryDriver } from '../../src/stores/sqlite/driver/choose.js';
import type { DriverName, SqliteDatabase, SqliteDriver } from '../../src/stores/sqlite/driver/driver.js';

export const DRIVER_NAMES: readonly DriverName[] = ['better-sqlite3', 'node:sqlite'];

/** True when this Node has `node:sqlite` without a flag. */
export function nodeHasSqlite(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13);
}

function expectedHere(name: DriverName): boolean {
  return name === 'better-sqlite3' || nodeHasSqlite();
}

const HOW: Readonly<Record<DriverName, string>> = {
  'better-sqlite3': 'npm rebuild better-sqlite3 (or npm install) with this Node',
  'node:sqlite': 'run the tests on Node >= 22.13',
};

const ci = process.env.CI === 'true' || process.env.CI === '1';
const told = new Set<DriverName>();

/** `describe(title)` once per binding that loads here, with that binding. */
export function describeDrivers(title: string, body: (driver: SqliteDriver) => void): void {
  for (const name of DRIVER_NAMES) {
    const loaded = tryDriver(name);
    const label = `${title} [${name}]`;
    if ('driver' in loaded) {
      describe(label, () => body(loaded.driver));
    } else if (ci && expectedHere(name)) {
      describe(label, () => {
        it(`has ${name} on Node ${process.version}`, () => {
          throw new Error(`${name} should load on Node ${process.version}: ${loaded.missing}`, { cause: loaded.cause });
        });
      });
    } else {
      if (!told.has(name)) console.log(`skipped: SQLite tests on ${name}: ${loaded.missing}; ${HOW[name]}`);
      told.add(name);
      // A skipped describe still collects its tests: they get a driver that would refuse to open.
      describe.skip(label, () => body({ name, open: () => Promise.reject(new Error(loaded.missing)) as never }));
    }
  }
}

/** Another connection to a store's database, as another process would have. */
export function connectTo(driver: SqliteDriver, file: string, readonly = false): SqliteDatabase {
  return driver.open(file, { timeout: 2000, readonly });
}

/** `connectTo` the `cache.db` of store directory `dir`, kept in `opened` for the test to close. */
export function connectToStore(driver: SqliteDriver, dir: string, opened: SqliteDatabase[]): SqliteDatabase {
  const db = connectTo(driver, join(dir, 'cache.db'));
  opened.push(db);
  return db;
}
