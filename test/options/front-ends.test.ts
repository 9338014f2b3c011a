/**
 * Every front end refuses an option the declarations do not give it, with the code and the
 * position where it was written: the tag (its span), the tsconfig entry (its key in
 * tsconfig.json, under real tspc), and the called ones (`configure()`, `cached()`, each bundler's
 * `cachet()`, `register()`) at the line and column of the call, in a real node process. The
 * expected positions are read from the fixtures, not from what the tools printed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildOptions, createCompiler } from '@cachet/compiler';
import { CachetConfigError } from '@cachet/runtime';
import {
  checkOptions,
  checkValue,
  configureOptions,
  type FrontEnd,
  functionOptions,
  type Schema,
} from '@cachet/runtime/options';
import ts from 'typescript';
import { resolveOptions as resolvePluginOptions } from 'unplugin-cachet/core';
import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../../packages/register/src/options.js';
import { compileFixture, repoRoot } from '../compiler/tspc.js';
import { expectError } from '../support/expect-error.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

/** 1-based line and column of offset `at` in `text`. */
function lineColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1) as string).length + 1 };
}

interface Refusal {
  readonly what: string;
  readonly code: string;
  readonly position: { readonly file: string; readonly line: number; readonly column: number };
  readonly message: string;
}

/** Runs a fixture with node; each line marked `// refused CODE` must be refused at its call. */
async function expectRefusals(name: string): Promise<void> {
  const file = join(here, 'fixtures', name);
  const { stdout } = await run(process.execPath, [file]);
  const reports = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Refusal);
  const expected = readFileSync(file, 'utf8')
    .split('\n')
    .map((text, index) => ({ text, line: index + 1, code: /\/\/ refused (\S+)$/.exec(text)?.[1] }))
    .filter((marked) => marked.code !== undefined)
    .map(({ text, line, code }) => ({
      code,
      position: { file, line, column: text.indexOf('() => ') + '() => '.length + 1 },
    }));
  expect(expected.length).toBeGreaterThan(0);
  expect(reports.map(({ code, position }) => ({ code, position }))).toEqual(expected);
  for (const report of reports) {
    const { line, column } = report.position;
    expect(report.message.startsWith(`${file}:${line}:${column}: ${report.code}: `), report.message).toBe(true);
  }
}

describe('an option a front end does not take', () => {
  it('is refused in the tag, at its span', () => {
    const source =
      '/** @cached tll=1m */\nexport function a(n: number): number { return n; }\n\n/** @cached key=k */\nexport function b(n: number): number { return n; }\n';
    const fileName = '/virtual/src/tag.ts';
    const host = ts.createCompilerHost({});
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (name, version) =>
      name === fileName
        ? ts.createSourceFile(name, source, ts.ScriptTarget.ES2022, true)
        : getSourceFile(name, version);
    const program = ts.createProgram([fileName], { strict: true, noEmit: true, types: [] }, host);
    const compiler = createCompiler({ ts, options: {}, host: { fileExists: () => false } });
    const found = compiler.compile(program, program.getSourceFile(fileName) as ts.SourceFile)?.diagnostics ?? [];
    expect(found.map(({ code, line, column }) => ({ code, line, column }))).toEqual([
      { code: 'CACHET_E_UNKNOWN_OPTION', ...lineColumn(source, source.indexOf('tll=')) },
      { code: 'CACHET_E_UNKNOWN_OPTION', ...lineColumn(source, source.indexOf('key=')) },
    ]);
    expect(found[0]?.hint).toMatch(/^did you mean ttl\? options are ttl, version, storage, swr, ignore, id$/);
    expect(found[1]?.hint).toMatch(/^key is an option of `cached\(fn, options\)`; /);
  });

  it('is refused in the tsconfig entry, at its key (and a bad value at the value), by tspc', async () => {
    const config = 'tsconfig.unknown.json';
    const text = readFileSync(join(here, '../compiler/fixtures/warnings', config), 'utf8');
    const compiled = await compileFixture('warnings', undefined, ['-p', config]);
    const unknown = lineColumn(text, text.indexOf('"defautls"'));
    const bad = lineColumn(text, text.indexOf('"0s"'));
    expect(compiled.output).toContain(
      `${config}(${unknown.line},${unknown.column}): error TS990001: CACHET_E_UNKNOWN_OPTION: unknown option "defautls" in the tsconfig plugin entry Hint: did you mean defaults?`,
    );
    expect(compiled.output).toContain(
      `${config}(${bad.line},${bad.column}): error TS990002: CACHET_E_BAD_DURATION: defaults.ttl "0s" is not positive in the tsconfig plugin entry Hint: a duration must be positive: for entries that never expire, leave defaults.ttl out or write forever`,
    );
    expect(compiled.exitCode).not.toBe(0);
  });

  it('is refused in a tsconfig entry that an extended base config holds, at its place in the base, by tspc', async () => {
    const base = 'tsconfig.base-entry.json';
    const text = readFileSync(join(here, '../compiler/fixtures/warnings', base), 'utf8');
    const compiled = await compileFixture('warnings', undefined, ['-p', 'tsconfig.extends.json']);
    const bad = lineColumn(text, text.indexOf('"yes"'));
    expect(compiled.output).toContain(
      `${base}(${bad.line},${bad.column}): error TS990004: CACHET_E_BAD_OPTION_VALUE: option verify has a bad value in the tsconfig plugin entry`,
    );
    expect(compiled.exitCode).not.toBe(0);
  });

  it('is refused by configure() and cached(), at the call', async () => {
    await expectRefusals('configure.mjs');
  });

  it("is refused by each bundler's cachet() and by register(), at the call", async () => {
    await expectRefusals('plugins.mjs');
  });

  it('is refused in CACHET_DEFAULTS of node --import @cachet/register, naming the variable', () => {
    expectError(() => optionsFromEnv({ CACHET_DEFAULTS: '{"swr":"1m"}' }), {
      code: 'CACHET_E_UNKNOWN_OPTION',
      message:
        /^CACHET_E_UNKNOWN_OPTION: unknown option "defaults\.swr" in CACHET_DEFAULTS Hint: swr is an option of `configure\(options\)`/,
    });
    expect(optionsFromEnv({ CACHET_DEFAULTS: '{"ttl":"1h30m"}' }).defaults).toEqual({ ttl: '1h30m' });
  });

  it('every variable of node --import @cachet/register is declared in the build options, and read by its kind', () => {
    const declared = Object.entries(buildOptions).flatMap(([name, spec]) =>
      'env' in spec && spec.frontEnds.includes('register') ? [`${name}=${spec.env}`] : [],
    );
    expect(declared.sort()).toEqual([
      'cacheDir=CACHET_TRANSFORM_CACHE',
      'defaults=CACHET_DEFAULTS',
      'strict=CACHET_STRICT',
      'tsconfig=CACHET_TSCONFIG',
      'verify=CACHET_VERIFY',
    ]);
    expect(
      optionsFromEnv({
        CACHET_TSCONFIG: 'tsconfig.app.json',
        CACHET_VERIFY: '1',
        CACHET_STRICT: 'false',
        CACHET_TRANSFORM_CACHE: '0',
        CACHET_DEFAULTS: '',
      }),
    ).toEqual({ tsconfig: 'tsconfig.app.json', verify: true, strict: false, cacheDir: false });
    expect(optionsFromEnv({ CACHET_TRANSFORM_CACHE: '.cache/cachet' })).toEqual({ cacheDir: '.cache/cachet' });
  });

  it.each([
    [
      'CACHET_VERIFY',
      'yes',
      'CACHET_E_BAD_OPTION_VALUE: option verify has a bad value in CACHET_VERIFY Hint: expected 1',
    ],
    ['CACHET_STRICT', 'on', 'CACHET_E_BAD_OPTION_VALUE: option strict has a bad value in CACHET_STRICT'],
    [
      'CACHET_DEFAULTS',
      '{ttl:1}',
      'CACHET_E_BAD_OPTION_VALUE: option defaults has a bad value in CACHET_DEFAULTS Hint: expected JSON',
    ],
    ['CACHET_DEFAULTS', '{"ttl":"0s"}', 'CACHET_E_BAD_DURATION: defaults.ttl "0s" is not positive in CACHET_DEFAULTS'],
  ])('a bad %s=%s is refused with the contract code, naming the variable', (variable, value, message) => {
    let thrown: unknown;
    try {
      optionsFromEnv({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CachetConfigError);
    expect((thrown as CachetConfigError).code).toBe(message.slice(0, message.indexOf(':')));
    expect((thrown as Error).message.startsWith(message)).toBe(true);
  });

  it('is refused by a real Vite build at the line of vite.config.ts, not of the file Vite bundles it to', async () => {
    const base = join(repoRoot, 'test/.tmp');
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, 'vite-options-'));
    const config = [
      "import { defineConfig } from 'vite';",
      "import cachet from 'unplugin-cachet/vite';",
      '',
      'export default defineConfig({',
      "  plugins: [cachet({ defautls: { ttl: '1m' } } as never)],",
      "  build: { lib: { entry: 'main.ts', formats: ['es'] } },",
      '});',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'vite.config.ts'), config);
    writeFileSync(join(dir, 'main.ts'), 'export const answer = 42;\n');
    const vite = join(repoRoot, 'node_modules/vite/bin/vite.js');
    const failed = await run(process.execPath, [vite, 'build'], { cwd: dir }).then(
      () => undefined,
      (error: { stderr: string }) => error,
    );
    const at = lineColumn(config, config.indexOf('cachet({'));
    expect(failed?.stderr).toContain(
      `${join(dir, 'vite.config.ts')}:${at.line}:${at.column}: CACHET_E_UNKNOWN_OPTION: unknown option "defautls"`,
    );
  });
});

describe('a ttl that is not positive', () => {
  /** The hint of the one problem `checkOptions` finds. */
  const hintOf = (schema: Schema, frontEnd: FrontEnd, options: object): string | undefined => {
    const problems = checkOptions(schema, frontEnd, options);
    expect(problems.map((p) => p.code)).toEqual(['CACHET_E_BAD_DURATION']);
    return problems[0]?.hint;
  };

  it('in the tag: remove the annotation to not cache', () => {
    const [problem] = checkValue(functionOptions.ttl, 'tag', '0s', ['ttl']);
    expect(problem?.hint).toBe('a duration must be positive: to not cache, remove the annotation');
  });

  it.each(['plugin', 'tsconfig', 'register', 'configure'] as const)(
    'in defaults.ttl of %s options, where there is no annotation: leave it out or write forever',
    (frontEnd) => {
      const schema = frontEnd === 'configure' ? configureOptions : buildOptions;
      const hint = hintOf(schema, frontEnd, { defaults: { ttl: '0ms' } });
      expect(hint).toBe(
        'a duration must be positive: for entries that never expire, leave defaults.ttl out or write forever; to not cache a function, remove its @cached annotation',
      );
    },
  );

  it('in cached(fn, { ttl }): call the function itself', () => {
    expect(hintOf(functionOptions, 'cached', { ttl: 0 })).toMatch(/to not cache, call the function itself/);
  });

  it('by the bundler plugin, with the hint for defaults', () => {
    expectError(() => resolvePluginOptions({ defaults: { ttl: '0s' } }), {
      code: 'CACHET_E_BAD_DURATION',
      message: /leave defaults\.ttl out or write forever/,
    });
  });
});
