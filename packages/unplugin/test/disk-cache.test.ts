/**
 * The persistent transform cache: a new plugin instance (a new build, a new process) reuses what
 * an earlier one computed without loading TypeScript, and never reuses a result that anything it
 * was made from has since changed: the file, a type it read, the tsconfig, the options, the
 * version of Cachet or TypeScript. Stale, corrupt and foreign entries are misses.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { withHelpers, withoutHelperDir } from '../../../test/support/helper-modules.js';
import { createCachet } from '../src/core/cachet.js';
import { type Options, resolveOptions } from '../src/core/options.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = join(here, '../../../test/bundlers/fixture');
const tmp = join(here, '.tmp');

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function setup(name: string) {
  const root = join(tmp, `disk-${name}`);
  roots.push(root);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(fixture, root, { recursive: true });
  const users = join(root, 'src/users.ts');
  const types = join(root, 'src/types.ts');
  const cacheDir = join(root, '.cache');
  /** A fresh plugin instance, as in a new build process, sharing the cache directory. */
  const build = (options: Options = {}) => {
    const cachet = createCachet(resolveOptions({ defaults: { storage: 'memory' }, cacheDir, ...options }));
    const outcome = cachet.transform(users, readFileSync(users, 'utf8'));
    return { cachet, outcome, code: outcome?.output?.code };
  };
  return { root, users, types, cacheDir, build };
}

/**
 * The output of a cold build in a fresh process (the built plugin): no language service, no
 * memory of earlier builds, an empty cache directory of its own (the output names the directory
 * its key helpers are in: compare with `withoutHelperDir`).
 */
function coldBuild(root: string, fileName: string): string | undefined {
  const cacheDir = join(root, '.cold-cache');
  rmSync(cacheDir, { recursive: true, force: true });
  const script = `
    const { createCachet, resolveOptions } = await import('unplugin-cachet/core');
    const { readFileSync } = await import('node:fs');
    const cachet = createCachet(resolveOptions({ defaults: { storage: 'memory' }, cacheDir: ${JSON.stringify(cacheDir)} }));
    const file = ${JSON.stringify(fileName)};
    process.stdout.write(JSON.stringify({ code: cachet.transform(file, readFileSync(file, 'utf8'))?.output?.code }));
  `;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(stdout) as { code?: string }).code;
}

describe('the persistent transform cache', () => {
  it('serves a warm build from disk, with the same output, diagnostics and dependencies', () => {
    const { build, types } = setup('warm');
    const cold = build();
    expect(cold.cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    const warm = build();
    expect(warm.cachet.counts).toMatchObject({ analysed: 0, fromDisk: 1 });
    expect(warm.outcome).toEqual(cold.outcome);
    expect(warm.outcome?.dependencies).toContain(types);
    // Within one instance, the second call is served from memory.
    const { users } = setup('warm-memory');
    const again = createCachet(resolveOptions({ defaults: { storage: 'memory' }, cacheDir: false }));
    const code = readFileSync(users, 'utf8');
    expect(again.transform(users, code)).toBe(again.transform(users, code));
    expect(again.counts).toMatchObject({ analysed: 1, fromMemory: 1 });
  });

  it('a warm build in a new process loads neither TypeScript nor the compiler, only its transform cache', () => {
    const { root, users, cacheDir } = setup('lazy');
    /** A build by the built plugin in a new process, and which of the compiler's modules and TypeScript it loaded. */
    const script = `
      const { registerHooks } = await import('node:module');
      const loaded = [];
      registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
      const { createCachet, resolveOptions } = await import('unplugin-cachet/core');
      const { readFileSync } = await import('node:fs');
      const cachet = createCachet(resolveOptions({ defaults: { storage: 'memory' }, cacheDir: ${JSON.stringify(cacheDir)} }));
      const file = ${JSON.stringify(users)};
      const code = cachet.transform(file, readFileSync(file, 'utf8'))?.output?.code;
      const names = loaded
        .filter((url) => url.includes('/compiler/dist/') || url.includes('/typescript/'))
        .map((url) => url.slice(url.lastIndexOf('/') + 1));
      process.stdout.write(JSON.stringify({ counts: cachet.counts, names, code }));
    `;
    const run = () =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }),
      ) as {
        counts: object;
        names: string[];
        code: string;
      };
    const cold = run();
    expect(cold.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    expect(cold.names).toContain('index.js');
    const warm = run();
    expect(warm.counts).toMatchObject({ analysed: 0, fromDisk: 1 });
    expect(warm.code).toBe(cold.code);
    // Options, their diagnostics and the cache: no transform, no key analysis, no TypeScript.
    expect(warm.names.sort()).toEqual(['build-options.js', 'diagnostics.js', 'options.js', 'transform-cache.js']);
  });

  it('analyses again after an edit to an imported type, and gives what a cold build gives', () => {
    const { build, types, users, cacheDir } = setup('types');
    build();
    writeFileSync(types, readFileSync(types, 'utf8').replace('id: number;', 'id: number;\n  region: string;'));
    const edited = build();
    expect(edited.cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    expect(withHelpers(edited.code ?? '', users)).toMatch(/\bregion\b/);
    rmSync(cacheDir, { recursive: true });
    expect(build().code).toBe(edited.code); // same as a cold build
    expect(build().cachet.counts).toMatchObject({ fromDisk: 1 });
  });

  it('a type edit between builds of one process, cache warm, gives what a cold build in a new process gives', () => {
    // Builds in one process share the language service (Vite environments, webpack compilers,
    // esbuild rebuilds, a second build): it must see edits made without a watch event.
    const { build, root, users, types } = setup('process');
    // The imported type now comes from a third file: the edit is two imports away.
    const ids = join(root, 'src/ids.ts');
    writeFileSync(ids, 'export type Id = number;\n');
    writeFileSync(
      types,
      `import type { Id } from './ids.js';\n${readFileSync(types, 'utf8').replace('id: number;', 'id: Id;')}`,
    );
    build();
    expect(build().cachet.counts).toMatchObject({ analysed: 0, fromDisk: 1 });
    /** Edits a file the result came from: the next build analyses again, as a cold build would. */
    const edit = (file: string, text: string) => {
      const before = build();
      expect(before.outcome?.dependencies).toContain(file);
      writeFileSync(file, text);
      const after = build();
      expect(after.cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
      expect(after.code).not.toBe(before.code);
      expect(withoutHelperDir(after.code)).toBe(withoutHelperDir(coldBuild(root, users)));
    };
    // Same length, so only the content tells: number becomes string.
    edit(ids, 'export type Id = string;\n');
    edit(types, readFileSync(types, 'utf8').replace('id: Id;', 'id: Id;\n  region: string;'));
    // A property of a primitive type inherited from an interface in another file.
    const base = join(root, 'src/base.ts');
    writeFileSync(base, 'export interface Base {\n  flag: boolean;\n}\n');
    const extended = readFileSync(types, 'utf8').replace('interface Query {', 'interface Query extends Base {');
    writeFileSync(types, `import type { Base } from './base.js';\n${extended}`);
    edit(base, 'export interface Base {\n  flag: string;\n}\n');
  }, 240_000); // three cold builds, each a new process that loads TypeScript

  it('analyses again after an edit to the tsconfig', () => {
    const { build, root } = setup('tsconfig');
    build();
    const tsconfig = join(root, 'tsconfig.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace('"strict": true', '"strict": false'));
    expect(build().cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
  });

  it('analyses again when the options or the file change', () => {
    const { build, users } = setup('options');
    const first = build();
    const other = build({ defaults: { storage: 'memory', ttl: '5m' } });
    expect(other.cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    expect(other.code).not.toBe(first.code);
    writeFileSync(users, readFileSync(users, 'utf8').replace('calls.slug++;', 'calls.slug += 1;'));
    const edited = build();
    expect(edited.cachet.counts).toMatchObject({ analysed: 1 });
    expect(edited.code).toContain('calls.slug += 1;');
  });

  it('misses on an entry of another Cachet or TypeScript version, a corrupt entry, or a foreign file', () => {
    const { build, cacheDir } = setup('foreign');
    const cold = build();
    const [name] = readdirSync(cacheDir).filter((entry) => entry.endsWith('.json'));
    const path = join(cacheDir, name as string);
    const entry = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...entry, key: 'made-by-another-version' }));
    expect(build().cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 100)); // cut short
    expect(build().cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    writeFileSync(path, JSON.stringify({ ...entry, format: 0 }));
    expect(build().cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    writeFileSync(path, 'null');
    const rebuilt = build();
    expect(rebuilt.cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    expect(rebuilt.code).toBe(cold.code);
    expect(readdirSync(cacheDir).filter((entry) => entry !== 'helpers')).toEqual([name]); // replaced in place; no temporary files left
  });

  it('writes the key helpers beside it, and makes again an output whose helper modules were deleted', () => {
    const { build, users, cacheDir } = setup('helpers');
    const cold = build();
    const helpers = join(cacheDir, 'helpers');
    const files = readdirSync(helpers).sort();
    const modules = files.filter((file) => file.endsWith('.mjs'));
    expect(modules.length).toBeGreaterThan(0);
    expect(files).toEqual([...modules, ...modules.map((file) => file.replace(/\.mjs$/, '.d.mts'))].sort());
    expect(cold.code).toContain('from "../.cache/helpers/');
    rmSync(helpers, { recursive: true });
    const again = build();
    expect(again.cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    expect(again.code).toBe(cold.code);
    expect(readdirSync(helpers).sort()).toEqual(files);
    // In one process: a build that starts after the deletion does not take the result from memory.
    const code = readFileSync(users, 'utf8');
    again.cachet.buildStart();
    rmSync(helpers, { recursive: true });
    again.cachet.buildStart();
    expect(again.cachet.transform(users, code)?.output?.code).toBe(cold.code);
    expect(again.cachet.counts).toMatchObject({ analysed: 2, fromDisk: 0 });
    expect(readdirSync(helpers).sort()).toEqual(files);
  });

  it('is off with cacheDir: false, and a directory it cannot write costs one warning, not the build', () => {
    const { build, root } = setup('off');
    build({ cacheDir: false });
    expect(build({ cacheDir: false }).cachet.counts).toMatchObject({ analysed: 1, fromDisk: 0 });
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'a file where the directory should be');
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const { code } = build({ cacheDir: join(blocked, 'cache') });
      expect(code).toContain('__cachet');
    } finally {
      console.warn = warn;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot write the transform cache/);
  });
});
