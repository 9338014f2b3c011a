/** A real TypeScript program over the fixture files, compiled the way a bundler plugin would. */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type CachetDiagnostic, createCompiler, formatMessage, type TransformResult } from '../src/index.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  types: ['node'],
  noEmit: true,
};

export function fixtureFiles(sub = ''): string[] {
  const dir = join(fixturesDir, sub);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .sort();
}

/** One program over every fixture, as a bundler plugin's language service would hold. */
export function createFixtureProgram(): ts.Program {
  const roots = [
    ...fixtureFiles().map((f) => join(fixturesDir, f)),
    ...fixtureFiles('errors').map((f) => join(fixturesDir, 'errors', f)),
  ];
  return ts.createProgram(roots, compilerOptions);
}

export function transformFixture(program: ts.Program, relative: string): TransformResult {
  const compiler = createCompiler({ ts });
  const result = compiler.transform({ program, fileName: join(fixturesDir, relative).replace(/\\/g, '/') });
  if (result === undefined) throw new Error(`${relative} has no @cached tag`);
  return result;
}

/** Diagnostics as a build prints them, with paths relative to the fixtures. */
export function formatDiagnostics(diagnostics: readonly CachetDiagnostic[]): string {
  return diagnostics
    .map((d) => `${d.fileName.slice(fixturesDir.length + 1)}:${d.line}:${d.column} ${d.category} ${formatMessage(d)}`)
    .join('\n')
    .concat('\n');
}
