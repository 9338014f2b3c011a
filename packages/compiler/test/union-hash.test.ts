/**
 * A union's hash marks its member: values of different members whose own hashes agree (`""` and
 * `[]` both mix a length of 0, `true` and `1n` both a 1) must not share a memory-table bucket,
 * where each hit would walk the other's entry and run its equality first. Equality already tells
 * them apart (keys.test.ts and generate-survivors.test.ts check that); this is about the hash.
 */
import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, build } from './keys-harness.js';

describe('union hashes', { timeout: BUILD_TIMEOUT }, () => {
  it('members whose own hashes agree hash apart, and equal values still hash alike', async () => {
    const { mod, diagnostics } = await build(
      `
export let calls = 0;
/** @cached storage=memory */
export function pick(v: string | string[] | boolean | bigint | number[] | null | undefined): number { calls++; return 1; }
`,
      ['__cachet$pick$hashAt as hashAt'],
    );
    expect(diagnostics).toEqual([]);
    const hash = (v: unknown): unknown => mod.hashAt(undefined, v);
    const pairs: [unknown, unknown][] = [
      ['', []],
      ['', [] as number[]],
      [['a'], 'a'],
      [true, 1n],
      [false, 0n],
      [null, undefined],
    ];
    for (const [a, b] of pairs) expect(hash(a), `${String(a)} against ${String(b)}`).not.toBe(hash(b));
    for (const v of ['', [], ['a'], true, 1n, null, undefined]) expect(hash(v)).toBe(hash(structuredClone(v)));
    // The calls themselves: each value its own entry, and a hit for an equal one.
    const before = mod.calls;
    for (const v of ['', [], true, 1n, '', [], true, 1n]) mod.pick(v);
    expect(mod.calls - before).toBe(4);
  });
});
