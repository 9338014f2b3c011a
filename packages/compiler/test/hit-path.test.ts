/**
 * The memory tier's hit path that generated wrappers of one to three parameters carry
 * (generate/function.ts, `hitPath`): what it must do besides finding equal arguments, checked on
 * the compiled output run against the real runtime.
 */
import { configure } from '@cachet/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './keys-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: the fixture's exports
let mod: any;
beforeAll(async () => {
  // One entry in memory: storing a second evicts the first.
  configure({ memory: { maxEntries: 1 } });
  ({ mod } = await build(
    `export let calls = 0;
/** @cached storage=memory */
export function pick(x: { a: number }, y: number): string { calls++; return x.a + ':' + y; }`,
  ));
});
afterAll(() => configure({ memory: { maxEntries: 100_000 } })); // the default

describe('the hit path in the wrapper', () => {
  it('takes an entry evicted while its equality ran (a getter calling the function) as no entry', () => {
    expect(mod.pick({ a: 1 }, 1)).toBe('1:1');
    let reads = 0;
    const x = {
      get a() {
        // The second read is the equality's: a call of another key evicts the entry it compares.
        if (++reads === 2) expect(mod.pick({ a: 2 }, 2)).toBe('2:2');
        return 1;
      },
    };
    const before = mod.calls;
    expect(mod.pick(x, 1)).toBe('1:1');
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(mod.calls - before).toBe(2); // the nested call and this one: the evicted entry was not used
  });
});
