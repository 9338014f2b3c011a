/**
 * `npm run playground` without its `npm run build` (npm test has built everything): each build of
 * the playground runs cold and warm on a cache under CACHET_DIR, and the cache it leaves is what
 * `cachet` reads, compiled function ids and all.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachet, cachetJson } from '../cli/helpers.js';

const run = promisify(execFile);
const runner = fileURLToPath(new URL('../../playground/run.mjs', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'cachet-playground-'));
let output: string;

beforeAll(async () => {
  const { stdout } = await run(process.execPath, [runner], {
    env: { ...process.env, CACHET_DIR: base },
    maxBuffer: 16 * 1024 * 1024,
  });
  output = stdout;
}, 180_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

const builds = ['tsc', 'vite', 'esbuild', 'webpack'];

describe('npm run playground', () => {
  it.each(builds)('%s: cold run calls the remote API and computes; the warm run is served from the cache', (build) => {
    const row = new RegExp(
      `^  ${build}\\s+[\\d.]+ m?s\\s+([\\d.]+) (m?s)\\s+([\\d.]+) (m?s)\\s+\\d+x\\s+58 -> 0\\s+32 / 32$`,
      'm',
    );
    const match = row.exec(output);
    expect(match, output).not.toBeNull();
    const ms = (value: string, unit: string): number => Number(value) * (unit === 's' ? 1000 : 1);
    const [, cold, coldUnit, warm, warmUnit] = match as unknown as string[];
    expect(ms(warm as string, warmUnit as string)).toBeLessThan(ms(cold as string, coldUnit as string) / 5);
    expect(output).toContain(`playground, ${build} build, cache ${join(base, build)}`);
  });

  it('prints hits per tier and herd joins: SQLite and blob files warm, memory per process', () => {
    const warm = output.split('-- warm run')[1] ?? '';
    expect(warm).toMatch(/src\/service\.ts#stations\s+sqlite 2\s+0\s+0\s+0/);
    expect(warm).toMatch(/src\/service\.ts#weeklyReport\s+fs 16\s+0\s+0\s+32/);
    expect(warm).toMatch(/src\/service\.ts#label\s+memory 8\s+8\s+0\s+0/);
  });

  it('leaves a cache cachet reads: entries and counts of compiled functions', async () => {
    const dir = join(base, 'webpack');
    const { functions } = await cachetJson<{ functions: { fn: string; entries: number; hits: number }[] }>([
      'stats',
      '--dir',
      dir,
    ]);
    expect(functions.map((f) => [f.fn, f.entries])).toEqual([
      ['src/service.ts#label', 0],
      ['src/service.ts#readings', 56],
      ['src/service.ts#stations', 2],
      ['src/service.ts#weeklyReport', 8],
    ]);
    expect(functions.find((f) => f.fn === 'src/service.ts#weeklyReport')?.hits).toBe(24);
    // Compiled keys are not the reflective encoding: --args says so; --match finds the entry.
    const byArgs = await cachet(['show', 'src/service.ts#stations', '--args', '["north"]', '--dir', dir]);
    expect(byArgs.code).toBe(4);
    const byMatch = await cachet(['show', 'src/service.ts#stations', '--match', 'north', '--dir', dir]);
    expect(byMatch.stdout).toContain("id: 'north-1'");
  });
});
