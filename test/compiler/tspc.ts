/**
 * Compiles a fixture project with real `tspc` (ts-patch) and runs its output with node. Output
 * goes under test/.tmp (git-ignored) so it resolves the workspace's @cachet packages.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');

export interface Toolchain {
  readonly name: string;
  /** The node binary that runs tspc and the compiled output. */
  readonly node: string;
  /** ts-patch's tspc script. */
  readonly tspc: string;
}

export const ts5: Toolchain = {
  name: 'TypeScript 5.9 + ts-patch 3 on Node 20',
  node: process.execPath,
  tspc: join(repoRoot, 'node_modules/ts-patch/bin/tspc.js'),
};

export interface Compiled {
  readonly dir: string;
  readonly exitCode: number;
  /** tsc's diagnostics output. */
  readonly output: string;
}

/** Copies the fixture to a fresh folder under test/.tmp and runs tspc there. */
export async function compileFixture(
  name: string,
  toolchain: Toolchain = ts5,
  extraArgs: string[] = [],
): Promise<Compiled> {
  const base = join(repoRoot, 'test/.tmp');
  const dir = mkdtempSync(join(base, `${name}-`));
  cpSync(join(here, 'fixtures', name), dir, { recursive: true });
  try {
    const args = extraArgs.includes('-p') ? extraArgs : ['-p', '.', ...extraArgs];
    const { stdout } = await run(toolchain.node, [toolchain.tspc, ...args], { cwd: dir });
    return { dir, exitCode: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { dir, exitCode: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** Runs a compiled module and parses the JSON it prints last. */
export async function runJson<T>(
  toolchain: Toolchain,
  file: string,
  env: Record<string, string> = {},
): Promise<{ result: T; stderr: string }> {
  const { stdout, stderr } = await run(toolchain.node, [file], {
    env: { ...process.env, CACHET_DIR: join(dirname(file), '.cachet'), ...env },
  });
  const lines = stdout.trim().split('\n');
  return { result: JSON.parse(lines[lines.length - 1] as string) as T, stderr };
}
