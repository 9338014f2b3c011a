/**
 * The benchmark suite's smoke run: every scenario, briefly, for correctness rather than speed.
 * Every tool must return the right values, and the herd and fidelity results must hold.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the benchmark scripts are plain JavaScript without declarations
import { runAll } from '../../scripts/bench/run.mjs';

interface Row {
  name: string;
  correct?: boolean;
  executions?: number;
  [kind: string]: unknown;
}
interface Result {
  title: string;
  kind?: string;
  rows: Row[];
}

describe('npm run bench (smoke)', async () => {
  const results: Result[] = await runAll({ smoke: true });

  it('runs every scenario', () => {
    expect(results.length).toBeGreaterThanOrEqual(7);
  });

  it.each(results.map((r) => [r.title, r] as const))('%s: every tool returns correct values', (_title, result) => {
    expect(result.rows.filter((row) => row.correct === false).map((row) => row.name)).toEqual([]);
  });

  it('runs the function once for 1000 concurrent callers of one key in Cachet', () => {
    const herd = results.find((r) => r.kind === 'count') as Result;
    for (const row of herd.rows.filter((r) => r.name.startsWith('Cachet'))) expect(row.executions).toBe(1);
    expect(herd.rows.find((r) => r.name.includes('no herd'))?.executions).toBe(1000);
  });

  it('keeps Date, Map, Set, bigint and Uint8Array intact in every Cachet tier', () => {
    const fidelity = results.find((r) => r.kind === 'fidelity') as Result;
    for (const row of fidelity.rows.filter((r) => r.name.startsWith('Cachet'))) {
      expect({
        name: row.name,
        Date: row.Date,
        Map: row.Map,
        Set: row.Set,
        bigint: row.bigint,
        Uint8Array: row.Uint8Array,
      }).toEqual({
        name: row.name,
        Date: true,
        Map: true,
        Set: true,
        bigint: true,
        Uint8Array: true,
      });
    }
  });
});
