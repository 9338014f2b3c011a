/**
 * Rest parameters of arrays and tuples are keyed by their elements' types, with the same
 * generated code as any other parameter (they went to the runtime's reflective encoder while the
 * rest list's type carried its Array prototype check).
 */
import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, build, misses } from './keys-harness.js';

describe('rest parameters', { timeout: BUILD_TIMEOUT }, () => {
  it('number[], string[] and tuple rests: generated keys, hits for equal lists only', async () => {
    const { mod, diagnostics, code } = await build(`
export let calls = 0;
/** @cached storage=memory */
export function sum(...xs: number[]): number { calls++; return xs.reduce((a, b) => a + b, 0); }
/** @cached storage=memory */
export function join(sep: string, ...parts: readonly string[]): string { calls++; return parts.join(sep); }
/** @cached storage=memory */
export function pair(...args: [number, string]): string { calls++; return args.join(':'); }
`);
    expect(diagnostics).toEqual([]);
    expect(code).not.toContain('reflectKey(a[i])');
    expect(
      misses(mod, mod.sum, [], [1], [1, 2], [2, 1], [12], [1, 2], [], [Number.NaN], [Number.NaN], [0], [-0]),
    ).toEqual([true, true, true, true, true, false, false, true, false, true, false]);
    expect(mod.sum(1, 2, 3)).toBe(6);
    expect(
      misses(mod, mod.join, [','], [',', 'a'], [',', 'a', 'b'], [',', 'ab'], ['', 'a', 'b'], [',', 'a', 'b']),
    ).toEqual([true, true, true, true, true, false]);
    expect(misses(mod, mod.pair, [1, 'a'], [1, 'a'], ['a', 1], [1, '1'], ['1', 1])).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
    // Passed from JavaScript, a value of another type runs the call uncached rather than keying it.
    const before = mod.calls;
    expect(mod.sum(1, '1')).toBe('11');
    expect(mod.sum(1, '1')).toBe('11');
    expect(mod.calls - before).toBe(2);
  });
});
