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
import { type CachetDiagnostic, codeFrame, codes, formatMessage } from './diagnostics.js';
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

/**
 * The source transformer ts-patch calls once per program: rewrites `@cached` functions as tsc
 * emits, and reports errors as TypeScript diagnostics.
 */
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
  const framed = !isPretty(program.getCompilerOptions());
  return (context) => (sourceFile) => {
    const compilation = compiler.compile(program, sourceFile);
    if (compilation === undefined) return sourceFile;
    for (const diagnostic of compilation.diagnostics) {
      if (diagnostic.category === 'error') extras.addDiagnostic(toTsDiagnostic(tsi, sourceFile, diagnostic, framed));
      else process.stderr.write(`${formatWarning(diagnostic, codes[diagnostic.code].number)}\n`);
    }
    if (compilation.functions.length === 0) return sourceFile;
    return applyToAst(tsi, context, sourceFile, compilation);
  };
}

/**
 * Whether tsc prints diagnostics `--pretty`, with a code frame of its own: as tsc decides, the
 * option when given, else whether stdout is a terminal and NO_COLOR unset.
 */
function isPretty(options: ts.CompilerOptions): boolean {
  const pretty = options.pretty;
  return typeof pretty === 'boolean' ? pretty : process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
}

/**
 * A warning as tsc prints a diagnostic (`file(line,column): warning TS...`, the file relative to
 * the working directory), then its code frame.
 */
function formatWarning(d: CachetDiagnostic, number: number): string {
  const where = `${relative(process.cwd(), d.fileName)}(${d.line},${d.column})`;
  return `${where}: warning TS${number}: ${formatMessage(d)}\n${codeFrame(d)}`;
}

/**
 * The one place a Cachet finding becomes a TypeScript diagnostic. `framed`: the message ends with
 * the code frame, for tsc's plain output (`--pretty` draws a frame itself).
 */
export function toTsDiagnostic(
  tsi: typeof import('typescript'),
  sourceFile: ts.SourceFile,
  diagnostic: CachetDiagnostic,
  framed = false,
): ts.Diagnostic {
  return {
    file: sourceFile,
    start: diagnostic.start,
    length: diagnostic.length,
    messageText: framed ? `${formatMessage(diagnostic)}\n${codeFrame(diagnostic)}` : formatMessage(diagnostic),
    category: diagnostic.category === 'error' ? tsi.DiagnosticCategory.Error : tsi.DiagnosticCategory.Warning,
    code: codes[diagnostic.code].number,
    source: 'cachet',
  };
}
