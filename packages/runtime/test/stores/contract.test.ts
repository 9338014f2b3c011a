import { createFsStore } from '../../src/stores/blob/fs-store.js';
import { createSqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { describeStore } from '../store-suite.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const warn = (message: string, cause?: unknown): never => {
  throw new Error(`unexpected warning: ${message}`, { cause });
};

let sqliteDir = '';
describeStore('sqlite (file)', {
  create: () => createSqliteStore({ dir: (sqliteDir = tempDir()), warn }),
  reopen: () => createSqliteStore({ dir: sqliteDir, warn }),
});

describeStore('sqlite (:memory:)', { create: () => createSqliteStore({ dir: ':memory:', warn }) });

let spillDir = '';
describeStore('sqlite (every value spilled, inline limit 0)', {
  create: () => createSqliteStore({ dir: (spillDir = tempDir()), inlineLimit: 0, warn }),
  reopen: () => createSqliteStore({ dir: spillDir, inlineLimit: 0, warn }),
});

let fsDir = '';
describeStore('fs (blob files)', {
  create: () => createFsStore({ dir: (fsDir = tempDir()), warn }),
  reopen: () => createFsStore({ dir: fsDir, warn }),
});
