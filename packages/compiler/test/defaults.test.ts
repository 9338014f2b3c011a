/** Build-wide defaults (the bundler plugin's `defaults` option) fill what an annotation leaves out. */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { type AnnotationDefaults, createCompiler, resolveOptions } from '../src/index.js';

const source = `
/** @cached */
export function plain(id: number): number { return id; }

/** @cached ttl=1m storage=sqlite version=7 */
export function own(id: number): number { return id; }

/** @cached */
export function handle(id: number): () => number { return () => id; }
`;

function compile(defaults?: AnnotationDefaults) {
  const fileName = '/virtual/src/defaults.ts';
  const host = ts.createCompilerHost({});
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, version) =>
    name === fileName ? ts.createSourceFile(name, source, ts.ScriptTarget.ES2022, true) : getSourceFile(name, version);
  const program = ts.createProgram([fileName], { strict: true, noEmit: true, types: [] }, host);
  const compiler = createCompiler({
    ts,
    options: defaults === undefined ? {} : { defaults },
    host: { fileExists: () => false },
  });
  return compiler.compile(program, program.getSourceFile(fileName)!)!;
}

describe('defaults', () => {
  it('fill ttl, storage and version where the annotation says nothing', () => {
    const compiled = compile({ ttl: '5m', storage: 'memory', version: '3' });
    const [plain, own, handle] = compiled.functions.map((f) => f.plan);
    expect(plain).toMatchObject({ ttl: '5m', storage: 'memory', version: '3' });
    expect(own).toMatchObject({ ttl: '1m', storage: 'sqlite', version: '7' });
    // storage=memory by default: a function-valued result is fine.
    expect(handle).toMatchObject({ storage: 'memory' });
    expect(compiled.diagnostics).toEqual([]);
  });

  it('take a ttl in milliseconds, as configure() does', () => {
    const compiled = compile({ ttl: 60_000 });
    expect(compiled.functions[0]?.plan).toMatchObject({ ttl: 60_000 });
    expect(JSON.stringify(compiled.functions[0]?.code)).toContain('ttl: 60000');
  });

  it('leave the runtime to decide without them', () => {
    const compiled = compile();
    expect(compiled.functions[0]?.plan).not.toHaveProperty('ttl');
    expect(compiled.diagnostics.map((d) => d.code)).toEqual(['CACHET_E_UNPERSISTABLE']);
  });

  it('are checked once, with the option named', () => {
    expectError(() => resolveOptions({ defaults: { ttl: '10x' } }), {
      code: 'CACHET_E_BAD_DURATION',
      message: /CACHET_E_BAD_DURATION: defaults\.ttl "10x"/,
    });
    expectError(() => resolveOptions({ defaults: { storage: 'no such' } }), {
      code: 'CACHET_E_BAD_STORAGE',
      message: /CACHET_E_BAD_STORAGE: defaults\.storage/,
    });
    expectError(() => resolveOptions({ defaults: { version: 'a b' } }), {
      code: 'CACHET_E_BAD_OPTION_VALUE',
      message: /option defaults\.version has a bad value/,
    });
  });
});
