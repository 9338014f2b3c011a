/**
 * Choosing the SQLite binding when one is missing or broken (issue 13: the failure paths of
 * `driver/choose.ts` ran in no test, since both bindings load on the machines the tests run on).
 * Each test loads `choose.ts` afresh with its two loaders replaced: better-sqlite3 not installed,
 * or built for another Node; a Node without `node:sqlite`. (A file of its own: the loaders are
 * mocked for the whole module graph it imports.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectError } from '../../../../test/support/expect-error.js';
import type { SqliteDriver } from '../../src/stores/sqlite/driver/driver.js';

const BETTER = '../../src/stores/sqlite/driver/better-sqlite3.js';
const NODE = '../../src/stores/sqlite/driver/node-sqlite.js';

/** A driver the loaders hand back; never opened here. */
function fake(name: SqliteDriver['name']): SqliteDriver {
  return {
    name,
    open: () => {
      throw new Error('not opened in these tests');
    },
  };
}

function notInstalled(): never {
  throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' });
}

const builtElsewhere = Object.assign(new Error('was compiled against a different Node.js version'), {
  code: 'ERR_DLOPEN_FAILED',
});

/** `choose.ts` loaded afresh (nothing remembered), over these loaders. */
async function chooseWith(better: () => SqliteDriver, node: () => SqliteDriver | undefined) {
  vi.resetModules();
  const loadBetterSqlite = vi.fn(better);
  const loadNodeSqlite = vi.fn(node);
  vi.doMock(BETTER, () => ({ loadBetterSqlite }));
  vi.doMock(NODE, () => ({ loadNodeSqlite }));
  const choose = await import('../../src/stores/sqlite/driver/choose.js');
  return { ...choose, loadBetterSqlite, loadNodeSqlite };
}

afterEach(() => {
  vi.doUnmock(BETTER);
  vi.doUnmock(NODE);
  vi.resetModules();
});

function thrownBy(call: () => unknown): Error & { code?: string } {
  try {
    call();
  } catch (error) {
    return error as Error & { code?: string };
  }
  return expect.fail('expected the call to throw');
}

const UNTIL = 'Until then, caching in memory only.';

describe('choosing the SQLite binding when one is missing', () => {
  it('auto falls back to node:sqlite when better-sqlite3 is not installed', async () => {
    const node = fake('node:sqlite');
    const { chooseDriver } = await chooseWith(notInstalled, () => node);
    expect(chooseDriver('auto')).toBe(node);
  });

  it('tries each binding once per process, whatever it gave', async () => {
    const better = fake('better-sqlite3');
    const { tryDriver, chooseDriver, loadBetterSqlite, loadNodeSqlite } = await chooseWith(
      () => better,
      () => undefined,
    );
    expect(tryDriver('better-sqlite3')).toStrictEqual({ driver: better });
    expect(tryDriver('better-sqlite3')).toStrictEqual({ driver: better });
    expect(chooseDriver('better-sqlite3')).toBe(better);
    expect(loadBetterSqlite).toHaveBeenCalledTimes(1);
    const missing = tryDriver('node:sqlite');
    expect(tryDriver('node:sqlite')).toBe(missing);
    expect(loadNodeSqlite).toHaveBeenCalledTimes(1);
  });

  it('says what each missing binding lacks, with the error only when it is not a missing module', async () => {
    const { tryDriver } = await chooseWith(notInstalled, () => undefined);
    expect(tryDriver('better-sqlite3')).toStrictEqual({ missing: 'better-sqlite3 is not installed' });
    expect(tryDriver('node:sqlite')).toStrictEqual({ missing: `Node ${process.version} has no node:sqlite` });

    const broken = await chooseWith(() => {
      throw builtElsewhere;
    }, notInstalled);
    expect(broken.tryDriver('better-sqlite3')).toStrictEqual({
      missing: `better-sqlite3 does not load on this Node (${process.version}; reinstall it to rebuild)`,
      cause: builtElsewhere,
    });
  });

  it('gives node:sqlite when it loads', async () => {
    const node = fake('node:sqlite');
    const { tryDriver, chooseDriver } = await chooseWith(notInstalled, () => node);
    expect(tryDriver('node:sqlite')).toStrictEqual({ driver: node });
    expect(chooseDriver('node:sqlite')).toBe(node);
  });

  it('auto with neither: both reasons, the fix for either, and the loading error as the cause', async () => {
    const { chooseDriver } = await chooseWith(notInstalled, () => undefined);
    const error = thrownBy(() => chooseDriver('auto'));
    expect(error.code).toBe('CACHET_E_NO_SQLITE');
    expect(error.message).toBe(
      `storage=sqlite, fs and tiered need SQLite, and better-sqlite3 is not installed; Node ${process.version} has no node:sqlite: npm install better-sqlite3, or run on Node >= 22.13 (built-in node:sqlite). ${UNTIL}`,
    );
    expect(error.cause).toBeUndefined();

    const broken = await chooseWith(
      () => {
        throw builtElsewhere;
      },
      () => undefined,
    );
    const withCause = thrownBy(() => broken.chooseDriver('auto'));
    expect(withCause.code).toBe('CACHET_E_NO_SQLITE');
    expect(withCause.message).toMatch(/better-sqlite3 does not load on this Node .*; Node .* has no node:sqlite: /);
    expect(withCause.cause).toBe(builtElsewhere);
  });

  it('names the other binding as the fix when the one asked for is missing', async () => {
    const { chooseDriver } = await chooseWith(notInstalled, () => undefined);
    expectError(() => chooseDriver('node:sqlite'), {
      code: 'CACHET_E_NO_SQLITE',
      message: `storage=sqlite, fs and tiered need SQLite, and Node ${process.version} has no node:sqlite: run on Node >= 22.13, or ask for better-sqlite3 (CACHET_SQLITE=better-sqlite3). ${UNTIL}`,
    });
    expectError(() => chooseDriver('better-sqlite3'), {
      code: 'CACHET_E_NO_SQLITE',
      message: `storage=sqlite, fs and tiered need SQLite, and better-sqlite3 is not installed: npm install better-sqlite3, or ask for node:sqlite (CACHET_SQLITE=node). ${UNTIL}`,
    });
  });
});
