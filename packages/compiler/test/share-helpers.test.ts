/**
 * Shared key helpers (generate/share.ts), as the bundler plugin asks for them: each type's helpers
 * in a module named by the hash of its text, imported by every file that keys the type. A name
 * must never stand for two texts, a module must change with any helper it calls, and helpers that
 * name anything of the file's scope must stay in the file. (keys-shared.test.ts runs every key
 * case with shared helpers.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { type CachetOptions, createCompiler, type TransformResult } from '../src/index.js';

const tmp = fileURLToPath(new URL('./.tmp', import.meta.url));
mkdirSync(tmp, { recursive: true });
const dir = mkdtempSync(join(tmp, 'share-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TYPES = `export interface Owner { id: number; team: string }
export interface Filter { kinds: readonly ('a' | 'b')[]; owner?: Owner; since: Date }
`;

/** Compiles each file (name → text) in one program with helpers shared; the results by name. */
function compile(
  files: Readonly<Record<string, string>>,
  options: CachetOptions = {},
): Record<string, TransformResult> {
  const root = mkdtempSync(join(dir, 'case-'));
  const paths = Object.entries(files).map(([name, text]) => {
    const path = join(root, name);
    writeFileSync(path, text);
    return [name, path] as const;
  });
  const program = ts.createProgram(
    paths.map(([, path]) => path),
    { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, types: [], lib: ['lib.es2022.d.ts'] },
  );
  const compiler = createCompiler({ ts, options });
  const results: Record<string, TransformResult> = {};
  for (const [name, path] of paths) {
    const result = compiler.transform({ program, fileName: path.replace(/\\/g, '/'), helperDir: '../helpers/' });
    if (result !== undefined) results[name] = result;
  }
  return results;
}

const names = (result: TransformResult | undefined): string[] => (result?.modules ?? []).map((m) => m.name).sort();

describe('shared key helpers', () => {
  it('are one module per type, the same for every file that keys it, imported from the given directory', () => {
    const { 'a.ts': a, 'b.ts': b } = compile({
      'types.ts': TYPES,
      'a.ts': `import type { Filter } from './types.js';\n/** @cached */\nexport function a(f: Filter): number { return f.kinds.length; }\n`,
      'b.ts': `import type { Filter } from './types.js';\n/** @cached */\nexport async function b(f: Filter, n: number): Promise<number> { return n; }\n`,
    });
    expect(names(a).length).toBeGreaterThanOrEqual(3); // Filter, its owner union, Owner
    expect(names(a)).toEqual(names(b));
    const codeOf = (result: TransformResult | undefined) => new Map(result?.modules.map((m) => [m.name, m.code]));
    expect(codeOf(a)).toEqual(codeOf(b));
    for (const module of a?.modules ?? []) {
      expect(module.name).toMatch(/^[\w-]{24}\.mjs$/);
      // JavaScript an ES module parser reads, and declarations TypeScript reads.
      expect(() => transformSync(module.code, { loader: 'js', format: 'esm' })).not.toThrow();
      const types = ts.transpileModule(module.types, { fileName: 'x.mts', reportDiagnostics: true });
      expect(types.diagnostics).toEqual([]);
      expect(module.types).toMatch(/^export declare function __cachet\$hash\(h: number, v: any\): number;$/m);
    }
    // The file names no helper of the type itself: it imports them.
    expect(a?.code).not.toMatch(/function __cachet\$Filter\$hash/);
    expect(a?.code).toMatch(
      /import \{ __cachet\$hash as __cachet\$Filter\$hash, .* \} from "\.\.\/helpers\/[\w-]{24}\.mjs";/,
    );
  });

  it('change with any helper they call: a field two types down renames every module above it', () => {
    const file = `import type { Filter } from './types.js';\n/** @cached */\nexport function a(f: Filter): number { return 1; }\n`;
    const before = compile({ 'types.ts': TYPES, 'a.ts': file })['a.ts'];
    const after = compile({ 'types.ts': TYPES.replace('team: string', 'team: number'), 'a.ts': file })['a.ts'];
    const changed = names(before).filter((name) => !names(after).includes(name));
    expect(changed).toHaveLength(3); // Owner, the union that holds it, Filter
    expect(names(after)).toHaveLength(names(before).length);
  });

  it('stay in the file where they name its scope: its classes, a symbol key, a recursive type, a rebound built-in', () => {
    const results = compile({
      'classes.ts': `export class Cat { constructor(readonly name: string) {} }
export class Dog { constructor(readonly name: string) {} }
/** @cached */
export function pet(p: Cat | Dog, tags: { list: string[] }): string { return p.name; }
`,
      'symbols.ts': `export const rank = Symbol('rank');
/** @cached */
export function ranked(v: { name: string; [rank]: number }): number { return v[rank]; }
`,
      'recursive.ts': `export interface Tree { value: number; children: Tree[] }
/** @cached */
export function sum(t: Tree): number { return t.value; }
`,
      'rebound.ts': `class Date { constructor(readonly at: number) {} }
/** @cached */
export function when(v: { at: Date; n: number } | string): number { return 1; }
`,
    });
    const { 'classes.ts': classes, 'symbols.ts': symbols, 'recursive.ts': recursive, 'rebound.ts': rebound } = results;
    // The union of classes stays; the classes' fields and the plain object beside them move.
    expect(classes?.code).toMatch(
      /function __cachet\$union\d+\$kind\(v: any\): number \{\n {2}if \(v instanceof Cat\)/,
    );
    expect(names(classes).length).toBeGreaterThan(0);
    expect(symbols?.code).toMatch(/v\[rank\]/);
    expect(names(symbols)).toEqual([]);
    expect(recursive?.code).toMatch(/__cachet\$depth/);
    expect(recursive?.code).toMatch(/function __cachet\$Tree\$hash/);
    for (const module of [...(classes?.modules ?? []), ...(rebound?.modules ?? [])]) {
      expect(module.code).not.toMatch(/\b(Cat|Dog|rank|Date)\b/);
    }
  });

  it('stay in the file when the runtime is named by a path relative to it', () => {
    const result = compile(
      {
        'types.ts': TYPES,
        'a.ts': `import type { Filter } from './types.js';\n/** @cached */\nexport function a(f: Filter): number { return 1; }\n`,
      },
      { runtimeModule: './runtime.mjs' },
    )['a.ts'];
    expect(result?.modules).toEqual([]);
    expect(result?.code).toMatch(/function __cachet\$Filter\$hash/);
  });
});
