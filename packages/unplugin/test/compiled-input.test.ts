/**
 * The core told JavaScript compiled from a tagged TypeScript file: an error at the tag, while the
 * source, or TypeScript another plugin edited and kept typed, compiles as usual.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createCachet } from '../src/core/cachet.js';
import { resolveOptions } from '../src/core/options.js';

const file = join(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../../test/bundlers/fixtures/plugin-order/src/lookup.ts',
).replace(/\\/g, '/');
const source = readFileSync(file, 'utf8');

const cachet = createCachet(resolveOptions({ cacheDir: false }));
const transform = (code: string) => cachet.transform(file, code);

describe('JavaScript compiled from a tagged file', () => {
  it('is CACHET_E_COMPILED_INPUT at the tag, with nothing compiled', () => {
    const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    const outcome = transform(js);
    const lines = source.slice(0, source.indexOf('@cached')).split('\n');
    expect(outcome?.output).toBeUndefined();
    expect(outcome?.diagnostics).toMatchObject([
      { code: 'CACHET_E_COMPILED_INPUT', fileName: file, line: lines.length, column: lines.at(-1)!.length + 1 },
    ]);
  });

  it('is not the source, nor TypeScript that another plugin edited and kept typed', () => {
    expect(transform(source)?.diagnostics).toEqual([]);
    const edited = `const banner: string = 'built';\n${source}`;
    const outcome = transform(edited);
    expect(outcome?.diagnostics).toEqual([]);
    expect(outcome?.output?.code).toContain('__cachet');
  });
});

describe('a JavaScript file an include option lets through', () => {
  const js = file.replace(/\.ts$/, '.js');

  it('is CACHET_E_UNSUPPORTED at the tag of its first cached function, with nothing compiled', () => {
    const code =
      "import { x } from './x.js';\n\n/**\n * Looks up.\n * @cached ttl=1m\n */\nexport function find(id) {\n  return x(id);\n}\n";
    const outcome = cachet.transform(js, code);
    expect(outcome?.output).toBeUndefined();
    expect(outcome?.diagnostics).toMatchObject([
      {
        code: 'CACHET_E_UNSUPPORTED',
        category: 'error',
        fileName: js,
        line: 5,
        column: 4,
        lineText: ' * @cached ttl=1m',
      },
    ]);
  });

  it('is left as it is when only its text mentions the tag', () => {
    expect(cachet.transform(js, "export const help = 'tag a function with @cached';\n")).toBeUndefined();
  });
});
