/**
 * The runtime's environment variables (CACHET_DIR, CACHET_DISABLE, CACHET_VERIFY) are read through
 * the option declarations (`env` in configure-options.ts), as `node --import @cachet/register`
 * reads its own: `1`/`true` and `0`/`false` for a boolean, a bad value refused naming the variable.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { CachetOptionError } from '../src/options/error.js';
import '../src/node.js'; // the Node platform: the environment is process.env

function withEnv<T>(vars: Record<string, string>, work: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return work();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('runtime environment variables', () => {
  it('reads 1 and true as on, 0 and false as off, unset as the default', () => {
    for (const on of ['1', 'true']) {
      const config = withEnv({ CACHET_DISABLE: on, CACHET_VERIFY: on }, () => resolveConfig({}));
      expect([config.disabled, config.verify]).toEqual([true, true]);
    }
    for (const off of ['0', 'false', '']) {
      const config = withEnv({ CACHET_DISABLE: off, CACHET_VERIFY: off }, () => resolveConfig({}));
      expect([config.disabled, config.verify]).toEqual([false, false]);
    }
  });

  it('takes CACHET_DIR as the directory, below what configure() says', () => {
    expect(withEnv({ CACHET_DIR: 'from-env' }, () => resolveConfig({})).dir).toBe('from-env');
    expect(withEnv({ CACHET_DIR: 'from-env' }, () => resolveConfig({ dir: 'from-code' })).dir).toBe('from-code');
    expect(withEnv({ CACHET_DISABLE: '1' }, () => resolveConfig({ disabled: false })).disabled).toBe(false);
  });

  it('refuses a value it cannot read, naming the variable and the code', () => {
    const error = withEnv({ CACHET_DISABLE: 'yes' }, () => {
      try {
        resolveConfig({});
      } catch (caught) {
        return caught;
      }
      return undefined;
    });
    expect(error).toBeInstanceOf(CachetOptionError);
    expect(String((error as Error).message)).toMatch(/CACHET_E_BAD_OPTION_VALUE/);
    expect(String((error as Error).message)).toMatch(/CACHET_DISABLE/);
  });
});
