/**
 * unplugin-cachet in every real bundler: build the fixture project for Node once per bundler,
 * run the output with node (call counts, a source-mapped stack), check diagnostics, and watch a
 * type change in another file reach the encoder.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BuildOutcome, bundlerNames, drivers, editUntilBuilt } from './drivers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = join(here, 'fixture');
// Under the repository, so the built output resolves @cachet/runtime from its node_modules.
const tmp = join(here, '.tmp');

/** `line:column` (1-based) of the first occurrence of `needle` in a fixture file. */
function position(file: string, needle: string, offset = 0): string {
  const text = readFileSync(join(fixture, file), 'utf8');
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`${needle} not in ${file}`);
  const before = text.slice(0, index + offset).split('\n');
  return `${before.length}:${(before.at(-1) as string).length + 1}`;
}

/** Whether one line of the messages names the place and the code. */
function reported(messages: readonly string[], file: string, needle: string, code: string): boolean {
  const at = `${file.slice(file.lastIndexOf('/') + 1)}:${position(file, needle)}`;
  const lines = messages.flatMap((m) => m.split('\n'));
  return lines.some((line) => new RegExp(`${at.replace('.', '\\.')}\\b`).test(line) && line.includes(code));
}

interface Run {
  users: { id: number; name: string }[];
  slugs: string[];
  found: number[];
  other: unknown[];
  calls: Record<string, number>;
  stack: string;
}

describe.each(bundlerNames)('%s', (name) => {
  const driver = drivers[name];
  const outDir = join(tmp, name);
  let built: BuildOutcome;
  let run: Run;

  beforeAll(async () => {
    rmSync(outDir, { recursive: true, force: true });
    built = await driver.build({
      root: fixture,
      entry: 'src/main.ts',
      outDir,
      options: { defaults: { storage: 'memory' } },
    });
    if (built.errors.length > 0) throw new Error(built.errors.join('\n'));
    const stdout = execFileSync(process.execPath, ['--enable-source-maps', built.file], {
      cwd: outDir,
      encoding: 'utf8',
    });
    run = JSON.parse(stdout) as Run;
  });

  it('runs each cached function once per key', () => {
    expect(run.users).toEqual([
      { id: 1, name: 'user 1' },
      { id: 1, name: 'user 1' },
      { id: 2, name: 'user 2' },
    ]);
    expect(run.slugs).toEqual(['hello-world', 'hello-world', 'hello']);
    expect(run.found).toEqual([102, 102, 2]);
    expect(run.other).toEqual(['object', 'object', 4]);
    expect(run.calls).toEqual({ loadUser: 2, slug: 2, find: 2, loose: 1 });
  });

  it('imports the runtime from the built output', () => {
    const code = readFileSync(built.file, 'utf8');
    expect(code).toMatch(/from\s*["']@cachet\/runtime\/internal["']/);
    expect(code).toContain('src/users.ts#loadUser');
  });

  it('maps a thrown error to its line in the original .ts file', () => {
    const frame = run.stack.split('\n')[1] ?? '';
    expect(frame).toContain(`boom.ts:${position('src/boom.ts', 'new Error')}`);
  });

  it('reports warnings with file, line and column', () => {
    expect(
      reported(built.warnings, 'src/users.ts', 'value: unknown', 'CACHET_W_REFLECTIVE'),
      built.warnings.join('\n'),
    ).toBe(true);
  });

  it('fails the build on errors, with file, line and column', async () => {
    const failed = await driver.build({ root: fixture, entry: 'errors/bad.ts', outDir: join(tmp, `${name}-errors`) });
    const errors = failed.errors.join('\n');
    expect(reported(failed.errors, 'errors/bad.ts', '10x', 'CACHET_E_BAD_DURATION'), errors).toBe(true);
    expect(reported(failed.errors, 'errors/bad.ts', 'done:', 'CACHET_E_UNKEYABLE'), errors).toBe(true);
  });

  it('strict: warnings fail the build', async () => {
    const failed = await driver.build({
      root: fixture,
      entry: 'src/main.ts',
      outDir: join(tmp, `${name}-strict`),
      options: { strict: true },
    });
    const errors = failed.errors.join('\n');
    expect(reported(failed.errors, 'src/users.ts', 'value: unknown', 'CACHET_W_REFLECTIVE'), errors).toBe(true);
  });

  it("warnings: a code set to 'off' is not reported; 'error' fails the build", async () => {
    const quiet = await driver.build({
      root: fixture,
      entry: 'src/main.ts',
      outDir: join(tmp, `${name}-quiet`),
      options: { warnings: { default: 'error', CACHET_W_REFLECTIVE: 'off' } },
    });
    expect(quiet.errors).toEqual([]);
    expect(quiet.warnings.filter((w) => w.includes('CACHET_'))).toEqual([]);
    const failed = await driver.build({
      root: fixture,
      entry: 'src/main.ts',
      outDir: join(tmp, `${name}-warnings-error`),
      options: { warnings: 'error' },
    });
    expect(reported(failed.errors, 'src/users.ts', 'value: unknown', 'CACHET_W_REFLECTIVE')).toBe(true);
  });

  it('re-transforms a module when a type it used changes in another file', async () => {
    const root = join(tmp, `${name}-watch`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    cpSync(fixture, root, { recursive: true });
    const watcher = await driver.watch({
      root,
      entry: 'src/main.ts',
      outDir: join(root, 'dist'),
      options: { defaults: { storage: 'memory' } },
    });
    try {
      const before = await watcher.next();
      expect(before).toContain('src/users.ts#loadUser');
      expect(before).not.toMatch(/\bregion\b/);
      const types = join(root, 'src/types.ts');
      const edited = readFileSync(types, 'utf8').replace('id: number;', 'id: number;\n  region: string;');
      // A watcher may also rebuild once for the copied files, whose times are newer than its start.
      const after = await editUntilBuilt(watcher, types, edited, (code) => /\bregion\b/.test(code));
      expect(after).toMatch(/\bregion\b/);
    } finally {
      await watcher.close();
    }
  });
});
