/**
 * A real cache directory, made by real cached functions: `fixtures/populate.mjs` runs the built
 * runtime (`npm run build` first; `npm test` does) in a child process that exits without close().
 * Tests copy it, so each starts from the same cache.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Io, main, type Output } from '@cachet/cli';

const run = promisify(execFile);
export const bin: string = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const populate = fileURLToPath(new URL('./fixtures/populate.mjs', import.meta.url));

const made: string[] = [];

/** A fresh temporary directory, removed by `removeTemps()`. */
export function tempDir(prefix = 'cachet-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs the populate fixture into a new cache directory and returns it. */
export async function populatedCache(): Promise<string> {
  const dir = join(tempDir(), 'cache');
  const { stdout } = await run(process.execPath, [populate], { env: { ...process.env, CACHET_DIR: dir } });
  if (!stdout.includes('populated')) throw new Error(`populate did not finish: ${stdout}`);
  return dir;
}

/** A copy of `dir` (no process has it open), for a test that changes the cache. */
export function copyCache(dir: string): string {
  const copy = join(tempDir(), 'cache');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** A captured stream. */
export class Captured implements Output {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 80,
  ) {}
  write(text: string): boolean {
    this.text += text;
    return true;
  }
}

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cachet ...argv` in this process, with captured output. */
export async function cachet(
  argv: string[],
  options: { tty?: boolean; cwd?: string; env?: Record<string, string> } = {},
): Promise<Ran> {
  const stdout = new Captured(options.tty ?? false);
  const stderr = new Captured();
  const io: Io = {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: Date.now,
    waitForStop: () => Promise.resolve(),
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs `cachet ...argv --json` and parses stdout. */
export async function cachetJson<T>(argv: string[]): Promise<T> {
  const ran = await cachet([...argv, '--json']);
  if (ran.code !== 0) throw new Error(`cachet ${argv.join(' ')} exited ${ran.code}: ${ran.stderr}`);
  return JSON.parse(ran.stdout) as T;
}
