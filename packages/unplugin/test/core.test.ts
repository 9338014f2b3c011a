/** The bundler-free core: options, the cheap path, the cache and its keys, and TypeScript 7 projects. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { withHelpers } from '../../../test/support/helper-modules.js';
import { createCachet } from '../src/core/cachet.js';
import { resolveOptions } from '../src/core/options.js';
import { sharedProjects } from '../src/core/projects.js';
import { analyserSource } from '../src/core/typescript.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = join(here, '../../../test/bundlers/fixture');
const tmp = join(here, '.tmp');

function copyFixture(name: string): string {
  const root = join(tmp, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(fixture, root, { recursive: true });
  return root;
}

describe('options', () => {
  it('are resolved once, with defaults', () => {
    const options = resolveOptions({}, '/project');
    expect(options.tsconfig).toBeUndefined();
    expect(options.compiler).toMatchObject({ verify: false, defaults: {}, warnings: { CACHET_W_REFLECTIVE: 'warn' } });
    expect(resolveOptions({ strict: true }).compiler.warnings).toMatchObject({ CACHET_W_REFLECTIVE: 'error' });
    expect(
      resolveOptions({ strict: true, warnings: { default: 'error', CACHET_W_REFLECTIVE: 'off' } }).compiler.warnings,
    ).toMatchObject({ CACHET_W_REFLECTIVE: 'off', CACHET_W_SWR_SYNC: 'error' });
    expect(resolveOptions({ tsconfig: 'app/tsconfig.json' }, '/project').tsconfig).toBe('/project/app/tsconfig.json');
  });

  it('fingerprint everything that changes the output', () => {
    const base = resolveOptions({}).fingerprint;
    expect(resolveOptions({ verify: true }).fingerprint).not.toBe(base);
    expect(resolveOptions({ defaults: { ttl: '1m' } }).fingerprint).not.toBe(base);
    expect(resolveOptions({ strict: true }).fingerprint).not.toBe(base);
  });

  it('refuse bad defaults when the plugin is created', () => {
    expectError(() => resolveOptions({ defaults: { ttl: 'soon' } }), {
      code: 'CACHET_E_BAD_DURATION',
      message: /defaults\.ttl/,
    });
    expectError(() => resolveOptions({ warnings: 'loud' as never }), {
      code: 'CACHET_E_BAD_OPTION_VALUE',
      message: /CACHET_E_BAD_OPTION_VALUE: option warnings has a bad value .*expected warn, error, off/,
    });
    expectError(() => resolveOptions({ warnings: { CACHET_W_NOPE: 'off' } as never }), {
      code: 'CACHET_E_BAD_OPTION_VALUE',
      message:
        /CACHET_E_BAD_OPTION_VALUE: option warnings has a bad value .*CACHET_W_NOPE is not a warning code; the codes are CACHET_W_/,
    });
  });
});

describe('core', () => {
  it('hands back files without the tag untouched, without loading TypeScript', () => {
    const cachet = createCachet(resolveOptions());
    const started = performance.now();
    expect(cachet.transform('/x/plain.ts', 'export const a: number = 1;\n'.repeat(1000))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
    expect(cachet.fileChanged('/x/plain.ts')).toEqual([]);
  });

  it('reuses a result until the source or a type it read changes', () => {
    const root = copyFixture('cache');
    const users = join(root, 'src/users.ts');
    const types = join(root, 'src/types.ts');
    const cachet = createCachet(resolveOptions({ defaults: { storage: 'memory' } }));
    const code = readFileSync(users, 'utf8');
    const first = cachet.transform(users, code);
    expect(first?.dependencies).toContain(types);
    expect(cachet.transform(users, code)).toBe(first);

    // Touching the file without changing it keeps the result.
    writeFileSync(types, readFileSync(types, 'utf8'));
    expect(cachet.fileChanged(types)).toEqual([users]);
    expect(cachet.transform(users, code)).toBe(first);

    writeFileSync(types, readFileSync(types, 'utf8').replace('id: number;', 'id: number;\n  region: string;'));
    expect(cachet.fileChanged(types)).toEqual([users]);
    const second = cachet.transform(users, code);
    expect(second).not.toBe(first);
    expect(withHelpers(second?.output?.code ?? '', users)).toMatch(/\bregion\b/);
    expect(withHelpers(first?.output?.code ?? '', users)).not.toMatch(/\bregion\b/);

    // A new source is a new result, from the same language service.
    const edited = code.replace('calls.slug++;', 'calls.slug += 1;');
    expect(cachet.transform(users, edited)?.output?.code).toContain('calls.slug += 1;');
  });

  it('reads files changed without a watch event again when a build starts', () => {
    const root = copyFixture('refresh');
    const users = join(root, 'src/users.ts');
    const types = join(root, 'src/types.ts');
    const cachet = createCachet(resolveOptions());
    const code = readFileSync(users, 'utf8');
    cachet.transform(users, code);
    writeFileSync(types, 'export interface Query {\n  id: number;\n  region: string;\n}\n');
    // Make sure the modification time moves even on coarse file systems.
    const later = Date.now() / 1000 + 5;
    utimesSync(types, later, later);
    cachet.buildStart();
    expect(withHelpers(cachet.transform(users, code)?.output?.code ?? '', users)).toMatch(/\bregion\b/);
  });
});

describe('the TypeScript the analysis uses', () => {
  const fakeTypeScript = (name: string, version: string): string => {
    const root = join(tmp, name);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, 'node_modules/typescript/lib'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'node_modules/typescript/package.json'), JSON.stringify({ name: 'typescript', version }));
    return root;
  };

  it("is the project's own when it is 5.x or 6.x, lib files included", () => {
    const installed = JSON.parse(readFileSync(join(here, '../../../node_modules/typescript/package.json'), 'utf8'));
    const source = analyserSource(here);
    expect(source).toMatchObject({ kind: 'project', version: `typescript@${installed.version}` });
    const analyser = source.load();
    expect(analyser.ts.version).toBe(installed.version);
    expect(analyser.libFiles.get(`${source.libDir}/lib.es5.d.ts`)).toMatch(/interface Array<T>/);
    expect(analyser.libFiles.has(`${source.libDir}/lib.dom.d.ts`)).toBe(true);
    expect(analyser.libFiles.has(`${source.libDir}/lib.nope.d.ts`)).toBe(false);
    expect(analyser.libFiles.get(`${source.libDir}/typescript.js`)).toBeUndefined();
    expect(analyser.libFiles.has(`${here}/lib.es5.d.ts`)).toBe(false);
    expect(createCachet(resolveOptions({})).typescript.version).toBe(`typescript@${installed.version}`);
    expect(analyserSource(fakeTypeScript('ts6', '6.0.2'))).toMatchObject({
      kind: 'project',
      version: 'typescript@6.0.2',
    });
  });

  it("is loaded through Node's compile cache, unless NODE_DISABLE_COMPILE_CACHE says no", () => {
    /** Loads TypeScript in a new process whose temporary directory is `dir`: what it cached there. */
    const load = (dir: string, disable: boolean): { before: boolean; files: number } => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const script = `
        const { analyserSource } = await import('unplugin-cachet/core');
        const { getCompileCacheDir } = await import('node:module');
        const { existsSync, readdirSync } = await import('node:fs');
        const before = getCompileCacheDir() !== undefined;
        analyserSource(process.cwd()).load();
        const dir = ${JSON.stringify(join(dir, 'node-compile-cache'))};
        const files = existsSync(dir) ? readdirSync(dir, { recursive: true }).length : 0;
        console.log(JSON.stringify({ before, files }));
      `;
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: dir, TMP: dir, TEMP: dir };
      delete env.NODE_COMPILE_CACHE;
      delete env.NODE_DISABLE_COMPILE_CACHE;
      if (disable) env.NODE_DISABLE_COMPILE_CACHE = '1';
      const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: here,
        encoding: 'utf8',
        env,
      });
      return JSON.parse(stdout);
    };
    // Off until TypeScript is loaded, then written at once (not only at exit).
    expect(load(join(tmp, 'compile-cache'), false)).toEqual({ before: false, files: expect.any(Number) });
    expect(load(join(tmp, 'compile-cache'), false).files).toBeGreaterThan(0);
    expect(load(join(tmp, 'compile-cache-off'), true)).toEqual({ before: false, files: 0 });
  });

  it("is the plugin's own beside TypeScript 7 (no JS API) or without any TypeScript", () => {
    expect(analyserSource(fakeTypeScript('ts7-native', '7.0.2'))).toMatchObject({
      kind: 'bundled',
      version: expect.stringMatching(/^@ts-morph\/common@/),
    });
    expect(analyserSource(fakeTypeScript('ts4', '4.9.5')).kind).toBe('bundled');
    const bundled = analyserSource('/').load();
    expect(Number(bundled.ts.versionMajorMinor.split('.')[0])).toBeGreaterThanOrEqual(5);
  });
});

describe('the program', () => {
  it('is one per tsconfig and process: every tagged file of the project, shared by plugin instances', () => {
    const root = copyFixture('shared');
    const users = join(root, 'src/users.ts');
    const boom = join(root, 'src/boom.ts');
    const plain = join(root, 'src/plain.ts');
    const analyser = analyserSource(root).load();
    const projects = sharedProjects({ analyser, tsconfig: undefined });
    const program = projects.program(users, readFileSync(users, 'utf8'));
    // Found by a string search when the service started: no new program for the next tagged file.
    expect(program.getSourceFile(boom)).toBeDefined();
    expect(projects.program(boom, readFileSync(boom, 'utf8'))).toBe(program);
    // An untagged file the tagged ones do not import is not parsed.
    expect(program.getSourceFile(plain)).toBeUndefined();
    // Another plugin instance (a webpack compiler, a Vite environment, the next build) gets the same.
    expect(sharedProjects({ analyser, tsconfig: undefined })).toBe(projects);
    expect(projects.program(users, readFileSync(users, 'utf8'))).toBe(program);
    // A tsconfig edited between builds starts its service again.
    const tsconfig = join(root, 'tsconfig.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace('"strict": true', '"strict": false'));
    const next = sharedProjects({ analyser, tsconfig: undefined }).program(users, readFileSync(users, 'utf8'));
    expect(next).not.toBe(program);
    expect(next.getCompilerOptions().strict).toBe(false);
  });
});

describe('TypeScript 7 projects', () => {
  it('build without a JS TypeScript: the plugin analyses with its own', () => {
    const root = copyFixture('ts7');
    const script = `
      const { build } = await import('esbuild');
      const cachet = (await import('unplugin-cachet/esbuild')).default;
      const result = await build({
        entryPoints: [${JSON.stringify(join(root, 'src/main.ts'))}],
        bundle: true, write: false, format: 'esm', platform: 'node',
        external: ['@cachet/runtime', '@cachet/runtime/*'],
        plugins: [cachet({ defaults: { storage: 'memory' } })], logLevel: 'silent',
      });
      let failed = false;
      try { await import('typescript'); } catch { failed = true; }
      console.log(JSON.stringify({ failed, code: result.outputFiles[0].text.includes('src/users.ts#loadUser') }));
    `;
    const stdout = execFileSync(
      process.execPath,
      ['--import', join(here, 'no-typescript.mjs'), '--input-type=module', '-e', script],
      { cwd: root, encoding: 'utf8' },
    );
    expect(JSON.parse(stdout)).toEqual({ failed: true, code: true });
  });
});
