/** Which binding a store runs on: forced by option or CACHET_SQLITE, else the first that loads. */
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../../test/support/expect-error.js';
import { isCachetError } from '../../src/errors.js';
import { AUTO_ORDER, chooseDriver, driverFromEnv, tryDriver } from '../../src/stores/sqlite/driver/choose.js';
import { DRIVER_NAMES } from './drivers.js';

describe('choosing the SQLite binding', () => {
  it('reads CACHET_SQLITE: better-sqlite3, node or node:sqlite, auto or unset', () => {
    expect(driverFromEnv(undefined)).toBe('auto');
    expect(driverFromEnv('')).toBe('auto');
    expect(driverFromEnv('auto')).toBe('auto');
    expect(driverFromEnv('better-sqlite3')).toBe('better-sqlite3');
    expect(driverFromEnv('node')).toBe('node:sqlite');
    expect(driverFromEnv('node:sqlite')).toBe('node:sqlite');
    expectError(() => driverFromEnv('sqlite3'), {
      code: 'CACHET_E_CONFIG',
      message: /CACHET_SQLITE must be better-sqlite3, node or auto, got "sqlite3"/,
    });
  });

  it('refuses a driver option it does not know', () => {
    expectError(() => chooseDriver('sqlite3' as never), {
      code: 'CACHET_E_CONFIG',
      message: /sqlite.driver must be better-sqlite3, node:sqlite or auto/,
    });
  });

  it('auto takes the first binding of its order that loads here', () => {
    const expected = AUTO_ORDER.find((name) => 'driver' in tryDriver(name));
    if (expected === undefined)
      expectError(() => chooseDriver('auto'), { code: 'CACHET_E_NO_SQLITE', message: /npm install better-sqlite3/ });
    else expect(chooseDriver('auto').name).toBe(expected);
  });

  for (const name of DRIVER_NAMES) {
    it(`gives ${name} when asked, or says why not and what to do`, () => {
      if ('driver' in tryDriver(name)) {
        expect(chooseDriver(name).name).toBe(name);
        return;
      }
      let error: unknown;
      try {
        chooseDriver(name);
      } catch (thrown) {
        error = thrown;
      }
      expect(isCachetError(error, 'CACHET_E_NO_SQLITE')).toBe(true);
      expect((error as Error).message).toMatch(
        name === 'node:sqlite'
          ? /has no node:sqlite: run on Node >= 22\.13/
          : /better-sqlite3 .*npm install better-sqlite3/,
      );
    });
  }
});
