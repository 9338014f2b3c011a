/**
 * Declared stores: with the `stores` option a typo in `storage=` is a build error at its line;
 * without it, a store name that is not built in is a warning there, never a surprise at run time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { type CachetOptions, createCompiler, formatMessage } from '../src/index.js';

const tmp = fileURLToPath(new URL('./.tmp', import.meta.url));
mkdirSync(tmp, { recursive: true });
const dir = mkdtempSync(join(tmp, 'stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'main.ts');
writeFileSync(
  file,
  `/** @cached storage=shared */
export function a(n: number): number { return n; }

/** @cached storage=sahred */
export function b(n: number): number { return n; }

/** @cached storage=sqlite */
export function c(n: number): number { return n; }
`,
);
const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022 });

function diagnostics(options: CachetOptions): string[] {
  const result = createCompiler({ ts, options }).transform({ program, fileName: file });
  return (result?.diagnostics ?? []).map((d) => `${d.line}:${d.column} ${d.category} ${formatMessage(d)}`);
}

describe('storage names', () => {
  it('are checked against the declared stores: an unknown one is an error at its line', () => {
    expect(diagnostics({ stores: ['shared'] })).toEqual([
      '4:21 error CACHET_E_UNKNOWN_STORE: storage "sahred" is neither a built-in storage nor one of the declared stores Hint: use one of memory, sqlite, fs, tiered, shared, or add "sahred" to the stores option',
    ]);
  });

  it('warn without declared stores, at each name that is not built in', () => {
    const found = diagnostics({});
    expect(found.map((d) => d.split(' ').slice(0, 3).join(' '))).toEqual([
      '1:21 warning CACHET_W_UNDECLARED_STORE:',
      '4:21 warning CACHET_W_UNDECLARED_STORE:',
    ]);
    expect(found[0]).toMatch(
      /Hint: declare the application's stores with the plugin option stores: \["shared", \.\.\.\]/,
    );
  });

  it('that are not built in are named where generated code binds the function, for configure({ stores }) to check', () => {
    const code = createCompiler({ ts, options: {} }).transform({ program, fileName: file })?.code ?? '';
    expect(code).toContain('__cachet.bind(a, __cachet$a$get, "shared");');
    expect(code).toContain('__cachet.bind(b, __cachet$b$get, "sahred");');
    expect(code).toContain('__cachet.bind(c, __cachet$c$get);');
  });

  it('refuse a malformed stores option when the compiler is created', () => {
    expectError(() => createCompiler({ ts, options: { stores: [''] } }), {
      code: 'CACHET_E_BAD_OPTION_VALUE',
      message: /CACHET_E_BAD_OPTION_VALUE: option stores has a bad value .*expected a list of names/,
    });
  });
});
