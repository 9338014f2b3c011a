/**
 * The tsc entry, for ts-patch's `tspc`:
 *
 * @example
 * // tsconfig.json
 * { "compilerOptions": { "plugins": [{ "transform": "@cachet/compiler/ts-patch" }] } }
 *
 * A source transformer: it rewrites `@cached` functions as tsc emits, and reports errors as
 * TypeScript diagnostics (`error TS990002: CACHET_E_BAD_DURATION: ...`) through ts-patch's
 * `addDiagnostic`. Warnings are printed to stderr instead (`file(line,column): warning TS990101:
 * ...`): tsc fails on any diagnostic it is given, and a warning must not fail a build unless the
 * `warnings` option says so. Every compiler option sits beside `transform` in the plugin entry
 * (`"verify": true`, `"defaults": {...}`, `"warnings": "error"`, ...: see `build-options.ts`); a
 * mistake in them is an error at its place in tsconfig.json, and nothing is compiled.
 */

import { relative } from 'node:path';
import type ts from 'typescript';
import { type CachetDiagnostic, codes, formatMessage } from './diagnostics.js';
import { applyToAst } from './edit/ast.js';
import type { CachetOptions } from './options.js';
import { createCompiler } from './transform.js';
import { readEntry } from './tsconfig-entry.js';

/** What ts-patch passes to a source transformer (the parts used here). */
export interface TransformerExtras {
  readonly ts: typeof import('typescript');
  addDiagnostic(diagnostic: ts.Diagnostic): number;
}

/** The plugin entry in tsconfig.json: `transform` plus Cachet's options. */
export interface PluginConfig extends CachetOptions {
  readonly transform?: string;
}

export default function cachetTransformer(
  program: ts.Program,
  config: PluginConfig | undefined,
  extras: TransformerExtras,
): ts.TransformerFactory<ts.SourceFile> {
  const tsi = extras.ts;
  const entry = readEntry(tsi, program, config ?? {});
  for (const diagnostic of entry.diagnostics) extras.addDiagnostic(diagnostic);
  if (entry.diagnostics.length > 0) return () => (sourceFile) => sourceFile;
  const compiler = createCompiler({ ts: tsi, options: entry.options });
  return (context) => (sourceFile) => {
    const compilation = compiler.compile(program, sourceFile);
    if (compilation === undefined) return sourceFile;
    for (const diagnostic of compilation.diagnostics) {
      if (diagnostic.category === 'error') extras.addDiagnostic(toTsDiagnostic(tsi, sourceFile, diagnostic));
      else process.stderr.write(`${formatWarning(diagnostic, codes[diagnostic.code].number)}\n`);
    }
    if (compilation.functions.length === 0) return sourceFile;
    return applyToAst(tsi, context, sourceFile, compilation);
  };
}

/** A warning as tsc prints a diagnostic (`file(line,column): warning TS...`), the file relative to the working directory. */
function formatWarning(d: CachetDiagnostic, number: number): string {
  return `${relative(process.cwd(), d.fileName)}(${d.line},${d.column}): warning TS${number}: ${formatMessage(d)}`;
}

/** The one place a Cachet finding becomes a TypeScript diagnostic. */
export function toTsDiagnostic(
  tsi: typeof import('typescript'),
  sourceFile: ts.SourceFile,
  diagnostic: CachetDiagnostic,
): ts.Diagnostic {
  return {
    file: sourceFile,
    start: diagnostic.start,
    length: diagnostic.length,
    messageText: formatMessage(diagnostic),
    category: diagnostic.category === 'error' ? tsi.DiagnosticCategory.Error : tsi.DiagnosticCategory.Warning,
    code: codes[diagnostic.code].number,
    source: 'cachet',
  };
}
