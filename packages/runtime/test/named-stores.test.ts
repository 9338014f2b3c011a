import { describe, expect, it } from 'vitest';
import { configure, isCachetError } from '../src/index.js';
import { bind, define, type KeyEncoder } from '../src/internal.js';

const byNumber: KeyEncoder = { text: (args) => String(args[0]) };

let runs = 0;
function loadUser(id: number): number {
  return (get().invoke(undefined, [id]) as number) + 0;
}
let cf: ReturnType<typeof define> | undefined;
const get = () =>
  (cf ??= define(
    { id: 'users.ts#loadUser', storage: 'shared', encoder: byNumber },
    (id: number) => id * 10 + runs++ * 0,
  ));
// What generated code does as its module loads: a store that is not built in is named.
bind(loadUser, get, 'shared');

function caught(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('store names of compiled functions, checked by configure({ stores })', () => {
  it('a configure() registering stores without one a loaded function uses fails there, naming both', () => {
    const error = caught(() => configure({ stores: { other: ['memory'] } }));
    expect(isCachetError(error, 'CACHET_E_UNKNOWN_STORE')).toBe(true);
    expect(String(error)).toMatch(/loadUser uses storage "shared", which configure\(\) does not register/);
    expect(String(error)).toMatch(/stores: memory, tiered, .*other/);
  });

  it('a configure() without stores checks nothing; registering the store makes the function work', () => {
    expect(caught(() => configure({ defaults: { ttl: '1h' } }))).toBeUndefined();
    expect(caught(() => configure({ stores: { shared: ['memory'] } }))).toBeUndefined();
    expect(loadUser(2)).toBe(20);
    expect(loadUser(2)).toBe(20);
    expect(runs).toBe(1);
    // Stores merge across calls: a later call registering another store passes too.
    expect(caught(() => configure({ stores: { other: ['memory'] } }))).toBeUndefined();
  });

  it('are names storage= can take: configure() refuses a store it could never name', () => {
    const error = caught(() => configure({ stores: { 'redis:main': ['memory'] } }));
    expect(isCachetError(error, 'CACHET_E_BAD_OPTION_VALUE')).toBe(true);
    expect(String(error)).toMatch(/an object of store names/);
  });
});
