/**
 * The compiler's output type-checks, for front ends that check what they are given (ts-loader):
 * real `tsc --noEmit` over transformed files, under `strict` and the stricter flags of the
 * fixture's tsconfig (noUnusedLocals, noUnusedParameters, exactOptionalPropertyTypes,
 * erasableSyntaxOnly, ...), reports exactly what it reports over their sources. The files: a
 * fixture of declared types the wrapper must keep, checked by consumer.ts; the compiler's fixtures
 * and the forms fixture; one module holding every key shape of the differential test.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCompiler } from '../../packages/compiler/src/index.js';
import { paramNames } from '../keys/harness.js';
import { functionName, shapes } from '../keys/shapes.js';
import { repoRoot } from './tspc.js';

const run = promisify(execFile);
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');

/** Every key shape the compiler accepts, in one module, as the differential test declares them. */
function shapesModule(): string {
  let source =
    "import { cacheKey } from '@cachet/runtime';\nexport { cacheKey };\nexport interface Token { readonly args: unknown[] }\n";
  for (const shape of shapes) {
    if (shape.refused !== undefined) continue;
    source += `${shape.decls ?? ''}
/** @cached storage=memory */
export function ${functionName(shape)}${shape.typeParams ?? ''}(${shape.params}): Token { return { args: [${paramNames(shape.params).join(', ')}] }; }
`;
  }
  return source;
}

/** tsc's diagnostics as `file: TS1234 message` lines, without positions (the output has other lines), sorted. */
async function check(dir: string): Promise<string[]> {
  let output: string;
  try {
    output = (await run(process.execPath, [tsc, '-p', dir], { cwd: dir })).stdout;
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  return output
    .split('\n')
    .filter((line) => /error TS\d+/.test(line))
    .map((line) => line.replace(/\(\d+,\d+\)/, ''))
    .sort();
}

let dir: string;
let before: string[];
let after: string[];
const transformed: string[] = [];

beforeAll(async () => {
  const base = join(repoRoot, 'test/.tmp');
  mkdirSync(base, { recursive: true });
  dir = mkdtempSync(join(base, 'strict-'));
  cpSync(join(repoRoot, 'test/compiler/fixtures/strict'), dir, { recursive: true });
  cpSync(join(repoRoot, 'test/compiler/fixtures/forms/src'), join(dir, 'src/forms'), { recursive: true });
  const compilerFixtures = join(repoRoot, 'packages/compiler/test/fixtures');
  mkdirSync(join(dir, 'src/compiler'));
  for (const name of readdirSync(compilerFixtures).filter((f) => f.endsWith('.ts'))) {
    cpSync(join(compilerFixtures, name), join(dir, 'src/compiler', name));
  }
  writeFileSync(join(dir, 'src/shapes.ts'), shapesModule());
  before = await check(dir);

  const config = ts.getParsedCommandLineOfConfigFile(
    join(dir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  ) as ts.ParsedCommandLine;
  const program = ts.createProgram(config.fileNames, config.options);
  const compiler = createCompiler({ ts });
  for (const fileName of config.fileNames) {
    const result = compiler.transform({ program, fileName, code: readFileSync(fileName, 'utf8') });
    if (result === undefined) continue;
    writeFileSync(fileName, result.code);
    transformed.push(fileName.slice(dir.length + 1));
  }
  after = await check(dir);
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('transforms the files with tagged functions', () => {
  expect(transformed).toEqual(
    expect.arrayContaining([
      'src/signatures.ts',
      'src/shapes.ts',
      'src/compiler/declarations.ts',
      'src/compiler/methods.ts',
      'src/compiler/types.ts',
      'src/compiler/variables.ts',
      'src/forms/builtins.ts',
      'src/forms/classes.ts',
      'src/forms/objects.ts',
      'src/forms/primitives.ts',
    ]),
  );
});

it('the declared types of cached functions hold, before and after', () => {
  const own = (lines: string[]) => lines.filter((line) => /^src\/(signatures|consumer)\.ts/.test(line));
  expect(own(before)).toEqual([]);
  expect(own(after)).toEqual([]);
});

it('tsc reports nothing on the output that it does not report on the sources', () => {
  // What tsc reports on the sources is the fixtures' own code (an unused private field, enums and
  // parameter properties under erasableSyntaxOnly): the output must add nothing to it.
  expect(before.length).toBeGreaterThan(0);
  expect(after).toEqual(before);
});
