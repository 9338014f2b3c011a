/**
 * The file visitor: runs the pipeline over one source file — find annotated functions, parse
 * their options, analyse types into plans, generate code — and turns every finding into a
 * `CachetDiagnostic`. Editing the source is left to the front end (magic-string for bundlers,
 * the AST for tsc), which applies the same pieces.
 */
import type ts from 'typescript';
import { createContext } from './analyse/context.js';
import { planFunction } from './analyse/function.js';
import { impureReads } from './analyse/purity.js';
import { type Annotation, BUILTIN_STORAGES, parseAnnotation, withDefaults } from './annotation.js';
import { CachetCompileError, type CachetDiagnostic, codes } from './diagnostics.js';
import { findTargets, type Target } from './find.js';
import { type FunctionCode, functionCode } from './generate/function.js';
import { KeyCode } from './generate/key-code.js';
import { RUNTIME } from './generate/names.js';
import { preludeCode } from './generate/prelude.js';
import { keepUsed } from './generate/prune.js';
import { type HelperModule, shareHelpers } from './generate/share.js';
import { type FileHost, packageRelativePath } from './identity.js';
import type { ResolvedOptions } from './options.js';
import type { CachedFunctionPlan } from './plan.js';
import { mayHaveTag } from './tag.js';
import { shapeOf } from './wrapper-shape.js';

export interface CompiledFunction {
  readonly target: Target;
  readonly plan: CachedFunctionPlan;
  readonly code: FunctionCode;
}

export interface FileCompilation {
  readonly functions: readonly CompiledFunction[];
  /** Imports placed after the file's directive prologue. */
  readonly header: string;
  /** Module-level support code placed at the end of the file. */
  readonly footer: string;
  /** The helper modules the footer imports (with `helperDir`; see generate/share.ts). */
  readonly modules: readonly HelperModule[];
  readonly diagnostics: readonly CachetDiagnostic[];
  /** Files whose declarations the encoders and codecs were derived from (see analyse/dependencies.ts). */
  readonly dependencies: readonly string[];
}

export interface CompileProps {
  readonly ts: typeof import('typescript');
  readonly program: ts.Program;
  readonly sourceFile: ts.SourceFile;
  readonly options: ResolvedOptions;
  readonly host?: FileHost;
  /** Package roots by directory; keep one per compiler instance. */
  readonly packageRoots?: Map<string, string>;
  /**
   * Where the file imports shared key helpers from (a specifier prefix ending in `/`), or undefined
   * to keep them in the file (generate/share.ts).
   */
  readonly helperDir?: string;
}

/** Compiles one file; undefined when it has no `@cached` tag. */
export function compileFile(props: CompileProps): FileCompilation | undefined {
  const { ts, program, sourceFile, options } = props;
  if (!mayHaveTag(sourceFile.text)) return undefined;
  const checker = program.getTypeChecker(); // binds the files, which sets parent pointers
  const found = findTargets(ts, sourceFile);
  const errors: CachetCompileError[] = [...found.errors];
  if (found.targets.length === 0 && errors.length === 0) return undefined;
  const ctx = createContext({ ts, checker, program });
  const path = packageRelativePath(props.host ?? ts.sys, sourceFile.fileName, props.packageRoots ?? new Map());
  const keys = new KeyCode(ctx.helpers);
  const functions: CompiledFunction[] = [];
  const ids = new Map<string, Target>();
  for (const target of found.targets) {
    const { annotation: written, errors: optionErrors } = parseAnnotation(target.tag);
    const annotation = withDefaults(written, options.defaults);
    const store = storeCheck(written, options.stores);
    if (store?.code === 'CACHET_W_UNDECLARED_STORE') ctx.warnings.push(store);
    else if (store !== undefined) optionErrors.push(store);
    errors.push(...optionErrors);
    if (optionErrors.length > 0) continue;
    try {
      const plan = planFunction({ ctx, target, annotation, path });
      ctx.warnings.push(...impureReads({ ts, checker, program, target }));
      if (ids.has(plan.id)) throw duplicateId(plan.id, target);
      ids.set(plan.id, target);
      functions.push({
        target,
        plan,
        code: functionCode({ plan, shape: shapeOf(ts, target, plan.localName), keys, verify: options.verify }),
      });
    } catch (error) {
      if (!(error instanceof CachetCompileError)) throw error;
      errors.push(error);
    }
  }
  const diagnostics = [...errors, ...ctx.warnings]
    .sort((a, b) => a.span.start - b.span.start)
    .map((error) => toDiagnostic(sourceFile, error));
  const footer =
    functions.length === 0 ? undefined : footerCode(functions, keys, options, props.helperDir, ts, sourceFile);
  return {
    functions,
    header: headerCode(options),
    footer: footer?.code ?? '',
    modules: footer?.modules ?? [],
    diagnostics,
    dependencies: [...ctx.dependencies].filter((file) => file !== sourceFile.fileName),
  };
}

/**
 * A `storage=` naming a store that is not built in: an error when the build declares its stores
 * and this is not one of them, a warning when it declares none (only the running application
 * knows them; a typo would otherwise surface at the first call).
 */
function storeCheck(annotation: Annotation, stores: readonly string[] | undefined): CachetCompileError | undefined {
  const name = annotation.storage;
  const span = annotation.storageSpan;
  if (name === undefined || span === undefined || (BUILTIN_STORAGES as readonly string[]).includes(name))
    return undefined;
  if (stores === undefined) {
    return new CachetCompileError(
      'CACHET_W_UNDECLARED_STORE',
      `storage "${name}" is not a built-in storage; the build cannot tell whether the application registers it`,
      `declare the application's stores with the plugin option stores: ["${name}", ...] (a typo is then a build error), or use memory, sqlite, fs or tiered`,
      span,
    );
  }
  if (stores.includes(name)) return undefined;
  const known = [...BUILTIN_STORAGES, ...stores];
  return new CachetCompileError(
    'CACHET_E_UNKNOWN_STORE',
    `storage "${name}" is neither a built-in storage nor one of the declared stores`,
    `use one of ${known.join(', ')}, or add "${name}" to the stores option`,
    span,
  );
}

function duplicateId(id: string, target: Target): CachetCompileError {
  return new CachetCompileError(
    'CACHET_E_DUPLICATE_ID',
    `two cached functions in this file have the id ${id}`,
    'give one of them its own id with id=',
    { start: target.tag.start, end: target.tag.start + '@cached'.length },
  );
}

function headerCode(options: ResolvedOptions): string {
  return `import * as ${RUNTIME} from ${JSON.stringify(options.runtimeModule)};\n`;
}

/**
 * The functions' support code, then the key helpers and hash helpers it uses (see prune.ts), or
 * the imports of the helper modules that hold them (see share.ts).
 */
function footerCode(
  functions: readonly CompiledFunction[],
  keys: KeyCode,
  options: ResolvedOptions,
  helperDir: string | undefined,
  ts: typeof import('typescript'),
  sourceFile: ts.SourceFile,
): { code: string; modules: readonly HelperModule[] } {
  const parts = functions.map((f) => `// ${f.plan.id}\n${f.code.support}`).join('\n');
  const declarations = [...keys.declarations(), ...preludeCode()];
  // A runtime named by a relative path is relative to the file: a helper module elsewhere could
  // not import it, so such files keep their helpers.
  const shared =
    helperDir === undefined || options.runtimeModule.startsWith('.')
      ? undefined
      : shareHelpers(parts, declarations, {
          runtimeModule: options.runtimeModule,
          dir: helperDir,
          fileNames: topLevelNames(ts, sourceFile),
        });
  const helpers = shared?.declarations ?? keepUsed(parts, declarations);
  return {
    code: `\n\n// Generated by @cachet/compiler: key encoders derived from the parameter types.\n${parts}\n${helpers.join('\n')}`,
    modules: shared?.modules ?? [],
  };
}

/** The names a file binds at its top level: its declarations and imports. */
function topLevelNames(ts: typeof import('typescript'), sourceFile: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName | ts.Identifier | undefined): void => {
    if (name === undefined) return;
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of sourceFile.statements) {
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) bind(d.name);
    else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      bind(clause?.name);
      const named = clause?.namedBindings;
      if (named !== undefined && ts.isNamespaceImport(named)) bind(named.name);
      else if (named !== undefined) for (const element of named.elements) bind(element.name);
    } else if (ts.isImportEqualsDeclaration(statement)) bind(statement.name);
    else if (
      ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isEnumDeclaration(statement) ||
      ts.isModuleDeclaration(statement)
    ) {
      if (statement.name !== undefined && ts.isIdentifier(statement.name)) names.add(statement.name.text);
    }
  }
  return names;
}

/** What ends a line for TypeScript (and so for its line numbers). */
const LINE_BREAK = /[\r\n\u2028\u2029]/;

export function toDiagnostic(sourceFile: ts.SourceFile, error: CachetCompileError): CachetDiagnostic {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(error.span.start);
  const lineStart = error.span.start - character;
  const text = sourceFile.text;
  let lineEnd = lineStart;
  while (lineEnd < text.length && !LINE_BREAK.test(text[lineEnd] as string)) lineEnd++;
  return {
    code: error.code,
    category: codes[error.code].category,
    message: error.message,
    hint: error.hint,
    fileName: sourceFile.fileName,
    start: error.span.start,
    length: Math.max(0, error.span.end - error.span.start),
    line: line + 1,
    column: character + 1,
    lineText: text.slice(lineStart, lineEnd),
  };
}
