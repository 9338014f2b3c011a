/**
 * Every export of every public entry point (each package's `exports`, except the runtime's
 * `internal`, which only generated code imports, and the plugin's `core`, which only
 * `@cachet/register` imports) carries JSDoc, so an editor shows it on hover.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../packages', import.meta.url));
const INTERNAL = new Set(['@cachet/runtime ./internal', 'unplugin-cachet ./core']);

interface Entry {
  readonly name: string;
  readonly file: string;
}

function publicEntries(): Entry[] {
  const entries: Entry[] = [];
  for (const dir of readdirSync(packages)) {
    const manifest = JSON.parse(readFileSync(join(packages, dir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, string | { types?: string }>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const types = typeof target === 'string' ? undefined : target.types;
      if (types === undefined || INTERNAL.has(`${manifest.name} ${subpath}`)) continue;
      const source = types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
      entries.push({ name: `${manifest.name}${subpath.slice(1)}`, file: join(packages, dir, source) });
    }
  }
  return entries;
}

const entries = publicEntries();
const program = ts.createProgram(
  entries.map((e) => e.file),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
);
const checker = program.getTypeChecker();

/** The exports of `file` without JSDoc. */
function undocumented(file: string): string[] {
  const source = program.getSourceFile(file);
  const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`cannot read ${file}`);
  return checker
    .getExportsOfModule(module)
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === '';
    })
    .map((symbol) => symbol.name);
}

describe('public entry points', () => {
  it('are the ones the packages publish', () => {
    expect(entries.map((e) => e.name)).toEqual(
      expect.arrayContaining(['@cachet/runtime', '@cachet/runtime/store', '@cachet/runtime/admin', '@cachet/compiler']),
    );
  });

  it.each(entries)('$name documents every export', ({ file }) => {
    expect(undocumented(file)).toEqual([]);
  });
});
