/**
 * Values of recursive types: deep ones encode or run uncached (never a stack overflow), cyclic
 * ones never loop or overflow.
 */
import { expect, it } from 'vitest';
import { BUILD_TIMEOUT, build, misses } from './keys-harness.js';

const source = `
export let calls = 0;
export interface List { value: number; next: List | null }
/** @cached storage=memory */
export function sum(list: List): number {
  calls++;
  let t = 0;
  for (let l: List | null = list; l !== null; l = l.next) t += l.value;
  return t;
}
`;

function list(length: number, last = 0): { value: number; next: unknown } {
  let l = { value: last, next: null as unknown };
  for (let i = 1; i < length; i++) l = { value: 1, next: l };
  return l;
}

/** Runs the call; an uncacheable signal from the encoder is fine, a RangeError is not. */
function callOrUncacheable(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (error) {
    expect(error).not.toBeInstanceOf(RangeError);
    expect(String((error as Error).message)).toMatch(/nested more than 1000 levels deep \(or cyclic\)/);
    return 'uncacheable';
  }
}

it(
  'values up to the depth limit are keyed; 100 000 deep runs uncached without overflowing',
  async () => {
    const { mod, diagnostics } = await build(source, ['__cachet$sum$text as sumText']);
    expect(diagnostics).toEqual([]);
    expect(misses(mod, mod.sum, [list(900)], [list(900, 1)], [list(900)])).toEqual([true, true, false]);
    const deep = list(100_000);
    const result = callOrUncacheable(() => mod.sum(deep));
    // With the runtime's uncacheable signal, the call runs uncached and returns its value.
    if (result !== 'uncacheable') expect(result).toBe(99_999);
    callOrUncacheable(() => mod.sumText([deep]));
    // The depth counter is back at zero: a shallow value is keyed as before.
    expect(misses(mod, mod.sum, [list(3)], [list(3)])).toEqual([true, false]);
  },
  BUILD_TIMEOUT,
);

it(
  'a cyclic value never overflows the stack',
  async () => {
    // `sum` has one parameter: its hash is the positional form (see encoder.ts).
    const { mod } = await build(source, ['__cachet$sum$hashAt as sumHash']);
    const cyclic: { value: number; next: unknown } = { value: 1, next: null };
    cyclic.next = cyclic;
    callOrUncacheable(() => mod.sumHash(undefined, cyclic));
  },
  BUILD_TIMEOUT,
);
