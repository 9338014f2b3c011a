/**
 * Functions of one to three plain parameters get only the positional hash and equality
 * (`hashAt`, `equalsAt`); the runtime derives the forms over an argument list from them, which
 * every path off the hit path uses: peek and invalidate, the generic entry (`invoke`), a call
 * inside a scope. These check those paths find the entries the positional forms stored.
 */
import { invalidate, peek, withCacheContext } from '@cachet/runtime';
import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, build, misses } from './keys-harness.js';

const source = `
export let calls = 0;
export interface Point { x: number; y: number }
/** @cached storage=memory */
export function far(p: Point, scale: number): number { calls++; return (p.x + p.y) * scale; }
/** @cached storage=memory */
export function upper(s: string): string { calls++; return s.toUpperCase(); }
/** @cached storage=memory */
export function three(a: Point, b: string, c: boolean): string { calls++; return b + (c ? a.x : a.y); }
`;

describe('the forms over an argument list, derived from the positional ones', { timeout: BUILD_TIMEOUT }, () => {
  it('find what the positional forms stored, and only that', async () => {
    const { mod, code, diagnostics } = await build(source);
    expect(diagnostics).toEqual([]);
    // Only the positional forms are generated; a lone string is its own key (no equality).
    expect(code).toMatch(/function __cachet\$far\$hashAt\(/);
    expect(code).toMatch(/function __cachet\$far\$equalsAt\(/);
    expect(code).not.toMatch(/function __cachet\$far\$(hash|equals)\(/);
    expect(code).toMatch(/function __cachet\$upper\$hashAt\(/);
    expect(code).not.toMatch(/function __cachet\$upper\$(hash|equals|equalsAt)\(/);

    expect(misses(mod, mod.far, [{ x: 1, y: 2 }, 3], [{ y: 2, x: 1 }, 3], [{ x: 1, y: 2 }, 4])).toEqual([
      true,
      false,
      true,
    ]);
    expect(peek(mod.far, { x: 1, y: 2 }, 3)).toBe(9);
    expect(peek(mod.far, { x: 2, y: 1 }, 3)).toBeUndefined();
    expect(peek(mod.far, { x: 1, y: 2 }, 5)).toBeUndefined();
    expect(peek(mod.upper, 'a')).toBeUndefined();
    expect(misses(mod, mod.upper, ['a'], ['a'], ['b'])).toEqual([true, false, true]);
    expect(peek(mod.upper, 'a')).toBe('A');
    expect(peek(mod.upper, 'c')).toBeUndefined();
    expect(misses(mod, mod.three, [{ x: 1, y: 2 }, 'p', true], [{ x: 1, y: 2 }, 'p', false])).toEqual([true, true]);
    expect(peek(mod.three, { x: 1, y: 2 }, 'p', true)).toBe('p1');
    expect(peek(mod.three, { x: 1, y: 2 }, 'p', false)).toBe('p2');
    expect(peek(mod.three, { x: 1, y: 3 }, 'p', false)).toBeUndefined();

    await invalidate(mod.far, { x: 1, y: 2 }, 3);
    expect(peek(mod.far, { x: 1, y: 2 }, 3)).toBeUndefined();
    expect(peek(mod.far, { x: 1, y: 2 }, 4)).toBe(12);
    expect(misses(mod, mod.far, [{ x: 1, y: 2 }, 3], [{ x: 1, y: 2 }, 4])).toEqual([true, false]);
    await invalidate(mod.upper, 'a');
    expect(misses(mod, mod.upper, ['a'], ['b'])).toEqual([true, false]);

    // Inside a scope the call takes the generic path, over an argument array.
    withCacheContext(() => {
      expect(misses(mod, mod.far, [{ x: 7, y: 0 }, 1], [{ x: 7, y: 0 }, 1], [{ x: 0, y: 7 }, 1])).toEqual([
        true,
        false,
        true,
      ]);
      expect(misses(mod, mod.upper, ['z'], ['z'])).toEqual([true, false]);
    });
    // A value not of its declared type runs uncached on every path.
    const wrong = { x: '1', y: 2 } as never;
    expect(misses(mod, mod.far, [wrong, 1], [wrong, 1])).toEqual([true, true]);
    expect(peek(mod.far, wrong, 1)).toBeUndefined();
  });
});
