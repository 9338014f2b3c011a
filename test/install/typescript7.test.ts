/**
 * A TypeScript 7 project installs Cachet as a user would: the packed tarballs of runtime,
 * compiler and plugin (`npm pack`), `npm install`ed into a fresh directory outside this repository
 * next to typescript@7 (the native compiler, no JS API) and esbuild. The install must not fail
 * with ERESOLVE, and a build must analyse with the plugin's own TypeScript: compiled keys, no
 * reflective warning, and the built program hits. Needs the package registry: without it the
 * test is skipped with one line, except under CI, where it fails.
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { inCi } from '../support/services.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixture', import.meta.url));
const esbuildVersion = (
  JSON.parse(readFileSync(join(repo, 'node_modules/esbuild/package.json'), 'utf8')) as { version: string }
).version;

const reachable = inCi || spawnSync('npm', ['ping'], { cwd: tmpdir(), timeout: 20_000, stdio: 'ignore' }).status === 0;
if (!reachable)
  console.log('skipped the TypeScript 7 install test (test/install): the package registry is unreachable');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!reachable)('installing beside TypeScript 7', () => {
  it('installs without ERESOLVE and builds with the plugin’s own TypeScript', { timeout: 600_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'cachet-ts7-'));
    made.push(work);
    const packs = join(work, 'packs');
    const app = join(work, 'app');
    cpSync(fixture, app, { recursive: true });
    mkdirSync(packs);

    const packed = await run(
      'npm',
      [
        'pack',
        '--json',
        '--pack-destination',
        packs,
        ...['runtime', 'compiler', 'unplugin'].flatMap((p) => ['-w', `packages/${p}`]),
      ],
      { cwd: repo },
    );
    const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) => join(packs, p.filename));

    // --ignore-scripts: nothing here needs a native build (the runtime's optional better-sqlite3
    // is not used: the fixture caches in memory).
    const installed = spawnSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        'typescript@7',
        `esbuild@${esbuildVersion}`,
        ...tarballs,
      ],
      { cwd: app, encoding: 'utf8', timeout: 540_000 },
    );
    expect(`${installed.stdout}${installed.stderr}`).not.toMatch(/ERESOLVE/);
    expect(installed.status).toBe(0);
    const typescript = JSON.parse(readFileSync(join(app, 'node_modules/typescript/package.json'), 'utf8')) as {
      version: string;
    };
    expect(typescript.version).toMatch(/^7\./);

    const built = await run(process.execPath, ['build.mjs'], { cwd: app });
    expect(JSON.parse(built.stdout)).toEqual({ typescript: 'bundled', messages: [] });
    const bundle = readFileSync(join(app, 'dist/main.mjs'), 'utf8');
    expect(bundle).toMatch(/function __cachet\$area\$hashAt\(/);
    expect(bundle).toMatch(/hashString\(h, a1\)/); // the typed key: 'cm' | 'in' is a string (second argument)

    const ran = await run(process.execPath, ['dist/main.mjs'], { cwd: app });
    expect(JSON.parse(ran.stdout)).toEqual({ first: '6 cm²', again: '6 cm²', runs: 1, hits: 1 });
  });
});
