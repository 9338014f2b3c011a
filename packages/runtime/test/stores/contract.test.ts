import { createFsStore } from '../../src/stores/blob/fs-store.js';
import { createSqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { describeStore } from '../store-suite.js';
import { describeDrivers } from './drivers.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const warn = (message: string, cause?: unknown): never => {
  throw new Error(`unexpected warning: ${message}`, { cause });
};

describeDrivers('SQLite stores', ({ name: driver }) => {
  let sqliteDir = '';
  describeStore(`sqlite (file) on ${driver}`, {
    create: () => createSqliteStore({ dir: (sqliteDir = tempDir()), driver, warn }),
    reopen: () => createSqliteStore({ dir: sqliteDir, driver, warn }),
  });

  describeStore(`sqlite (:memory:) on ${driver}`, {
    create: () => createSqliteStore({ dir: ':memory:', driver, warn }),
  });

  let spillDir = '';
  describeStore(`sqlite (every value spilled, inline limit 0) on ${driver}`, {
    create: () => createSqliteStore({ dir: (spillDir = tempDir()), inlineLimit: 0, driver, warn }),
    reopen: () => createSqliteStore({ dir: spillDir, inlineLimit: 0, driver, warn }),
  });

  let fsDir = '';
  describeStore(`fs (blob files) on ${driver}`, {
    create: () => createFsStore({ dir: (fsDir = tempDir()), driver, warn }),
    reopen: () => createFsStore({ dir: fsDir, driver, warn }),
  });
});
