/**
 * The tsc entry, for ts-patch's `tspc`:
 *
 * @example
 * // tsconfig.json
 * { "compilerOptions": { "plugins": [{ "transform": "@cachet/compiler/ts-patch" }] } }
 *
 * A source transformer: it rewrites `@cached` functions as tsc emits, and reports findings as
 * TypeScript diagnostics (`error TS990002: CACHET_E_BAD_DURATION: ...`) through ts-patch's
 * `addDiagnostic`. Options sit beside `transform` in the plugin entry (`"verify": true`).
 */
import type ts from 'typescript';
import { type CachetDiagnostic, codes, formatMessage } from './diagnostics.js';
import { applyToAst } from './edit/ast.js';
import type { CachetOptions } from './options.js';
import { createCompiler } from './transform.js';

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
  const compiler = createCompiler({
    ts: tsi,
    options: { ...(config?.verify === undefined ? {} : { verify: config.verify }) },
  });
  return (context) => (sourceFile) => {
    const compilation = compiler.compile(program, sourceFile);
    if (compilation === undefined) return sourceFile;
    for (const diagnostic of compilation.diagnostics) extras.addDiagnostic(toTsDiagnostic(tsi, sourceFile, diagnostic));
    if (compilation.functions.length === 0) return sourceFile;
    return applyToAst(tsi, context, sourceFile, compilation);
  };
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
