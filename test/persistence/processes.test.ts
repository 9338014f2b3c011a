/**
 * Several real processes on one cache directory, each running the built runtime
 * (`@cachet/runtime`; run `npm run build` first, `npm test` does): entries written by one are read
 * by the others, N processes missing one key run the function once, and a writer killed with
 * SIGKILL mid-write never leaves an entry that reads back wrong.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachet-processes-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `node fixtures/<name> ...args`; `done` settles when it exits. */
function start(
  name: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { child: ChildProcess; done: Promise<Finished>; stdout: () => string } {
  const child = spawn(process.execPath, [fixture(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

async function run(
  name: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Finished> {
  const finished = await start(name, args, options).done;
  expect(finished.stderr).toBe('');
  expect(finished.code).toBe(0);
  return finished;
}

async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(['sqlite', 'fs'])('processes sharing a directory (storage=%s)', (storage) => {
  it('reads entries another process wrote, including writes committed at process exit', async () => {
    const dir = tempDir();
    const writer = JSON.parse((await run('worker.mjs', [dir, storage, '0', '120', 'exit'])).stdout);
    expect(writer).toEqual({ runs: 120, wrong: 0 });
    const reader = JSON.parse((await run('worker.mjs', [dir, storage, '0', '120'])).stdout);
    expect(reader).toEqual({ runs: 0, wrong: 0 });
  });

  it('lets processes write at once and read each other', async () => {
    const dir = tempDir();
    const writers = await Promise.all(
      [0, 1, 2].map((w) => run('worker.mjs', [dir, storage, String(w * 60), String(w * 60 + 100)])),
    );
    for (const writer of writers) expect(JSON.parse(writer.stdout).wrong).toBe(0);
    const reader = JSON.parse((await run('worker.mjs', [dir, storage, '0', '220'])).stdout);
    expect(reader).toEqual({ runs: 0, wrong: 0 });
  });
});

describe('the cache directory', () => {
  it('is .cachet under the working directory, or CACHET_DIR', async () => {
    const { CACHET_DIR: _, ...env } = process.env;
    const cwd = tempDir();
    await run('default-dir.mjs', [], { cwd, env });
    expect(existsSync(join(cwd, '.cachet', 'cache.db'))).toBe(true);
    const chosen = join(tempDir(), 'chosen');
    await run('default-dir.mjs', [], { cwd, env: { ...env, CACHET_DIR: chosen } });
    expect(existsSync(join(chosen, 'cache.db'))).toBe(true);
  });
});

describe('cross-process herd', () => {
  it('runs the function once when 4 processes miss the same key at once', async () => {
    const dir = tempDir();
    const log = join(dir, 'runs.log');
    const go = join(dir, 'go');
    writeFileSync(log, '');
    const herd = [0, 1, 2, 3].map(() => start('herd.mjs', [join(dir, 'cache'), log, go]));
    await until(() => herd.every((p) => p.stdout().startsWith('ready\n')), 'all 4 processes to be ready');
    writeFileSync(go, '');
    const finished = await Promise.all(herd.map((p) => p.done));
    for (const f of finished) {
      expect(f.stderr).toBe('');
      expect(f.code).toBe(0);
    }
    const ran = readFileSync(log, 'utf8').trim().split('\n');
    expect(ran).toHaveLength(1);
    const values = finished.map((f) => JSON.parse(f.stdout.split('\n')[1] as string));
    for (const value of values) expect(value).toEqual({ name: 'one', by: Number(ran[0]) });
    // One process ran the function (a miss); the three served by its run count herd joins.
    const counts = finished.map((f) => JSON.parse(f.stdout.split('\n')[2] as string));
    expect(
      counts.reduce((sum, c) => ({ misses: sum.misses + c.misses, herdJoins: sum.herdJoins + c.herdJoins })),
    ).toEqual({ misses: 1, herdJoins: 3 });
  });
});

describe('crash safety', () => {
  it('never reads back a wrong entry after a writer is killed with SIGKILL, 20 times over', async () => {
    const dir = tempDir();
    const keys = '300';
    for (let kill = 0; kill < 20; kill++) {
      const writer = start('crash-writer.mjs', [dir, keys]);
      await until(() => writer.stdout().startsWith('writing'), 'the writer to start');
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 250));
      writer.child.kill('SIGKILL');
      const finished = await writer.done;
      expect(finished.signal).toBe('SIGKILL');
      expect(finished.stderr).toBe('');
    }
    const { hits, wrong, large, warnings } = JSON.parse((await run('crash-reader.mjs', [dir, keys])).stdout);
    expect(wrong).toBe(0);
    expect(hits).toBeGreaterThan(50);
    expect(large).toBeGreaterThan(0); // blob files were read back too
    for (const warning of warnings) expect(warning).toMatch(/blob file .* missing or damaged/);
  });
});
