/**
 * `npm install @cachet/runtime` alone, as an application gets it: the built runtime and its one
 * dependency in a project of their own, without better-sqlite3. On a Node with `node:sqlite` the
 * default storage persists across two processes; on one without, the first persistent call says
 * once what to install, and the process caches in memory.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeHasSqlite } from './drivers.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const runtimeRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The installed xxhash-wasm package (its exports hide package.json: found from its entry). */
const xxhashRoot = ((entry: string, marker: string) => entry.slice(0, entry.lastIndexOf(`${marker}/`) + marker.length))(
  createRequire(import.meta.url).resolve('xxhash-wasm'),
  '/node_modules/xxhash-wasm',
);

/** Calls a default-storage function twice and prints how often it ran and what it was told. */
const APP = `
import { cached, close, configure } from '@cachet/runtime';
const warnings = [];
configure({ dir: process.argv[2], logger: { warn: (message) => warnings.push(message) } });
let runs = 0;
const square = cached((n) => { runs++; return n * n; }, { id: 'app#square' });
const results = [square(7), square(7)];
await close();
process.stdout.write(JSON.stringify({ results, runs, warnings }));
`;

function project(): string {
  const root = tempDir();
  const runtime = join(root, 'node_modules/@cachet/runtime');
  mkdirSync(runtime, { recursive: true });
  cpSync(join(runtimeRoot, 'package.json'), join(runtime, 'package.json'));
  cpSync(join(runtimeRoot, 'dist'), join(runtime, 'dist'), { recursive: true });
  cpSync(xxhashRoot, join(root, 'node_modules/xxhash-wasm'), { recursive: true });
  writeFileSync(join(root, 'app.mjs'), APP);
  return root;
}

function run(root: string): { results: number[]; runs: number; warnings: string[]; stderr: string } {
  const env = { ...process.env };
  delete env.CACHET_SQLITE;
  const child = spawnSync(process.execPath, ['app.mjs', join(root, '.cachet')], { cwd: root, env, encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return { ...JSON.parse(child.stdout), stderr: child.stderr };
}

describe('the runtime installed without better-sqlite3', () => {
  it.runIf(nodeHasSqlite())('persists default storage across two processes on node:sqlite, silently', () => {
    const root = project();
    const first = run(root);
    expect(first).toEqual({ results: [49, 49], runs: 1, warnings: [], stderr: '' });
    const second = run(root);
    expect(second).toEqual({ results: [49, 49], runs: 0, warnings: [], stderr: '' });
  });

  it.skipIf(nodeHasSqlite())('says once, at the first call, what to install, then caches in memory', () => {
    const root = project();
    const { results, runs, warnings, stderr } = run(root);
    expect(results).toEqual([49, 49]);
    expect(runs).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/better-sqlite3 is not installed; Node v\S+ has no node:sqlite/);
    expect(warnings[0]).toMatch(/npm install better-sqlite3, or run on Node >= 22\.13/);
    expect(stderr).toBe('');
    expect(run(root).runs).toBe(1); // nothing persisted
  });
});
