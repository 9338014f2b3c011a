/**
 * The compiler's core API, for every front end: one instance per build (it keeps a cache of
 * package roots), `transform()` per file. It takes the `ts` namespace as a parameter: the tsc
 * path passes the user's TypeScript, a bundler plugin its own.
 */
import type ts from 'typescript';
import { type CompiledFunction, compileFile, type FileCompilation } from './compile.js';
import type { CachetDiagnostic } from './diagnostics.js';
import { applyEdits, type EditResult } from './edit/magic.js';
import type { HelperModule } from './generate/share.js';
import type { FileHost } from './identity.js';
import { applyWarningPolicy, type CachetOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { mayHaveTag } from './tag.js';

/** What `createCompiler` needs: the TypeScript to analyse with and the options. */
export interface CompilerProps {
  /** The TypeScript namespace to analyse with (`import ts from 'typescript'`, or ts-morph's `ts`). */
  readonly ts: typeof import('typescript');
  readonly options?: CachetOptions;
  /** How to look for package.json files (for ids). @default ts.sys */
  readonly host?: FileHost;
}

/** One file to transform, with the program that types it. */
export interface TransformProps {
  /** A program holding the file, e.g. a language service's `getProgram()`. */
  readonly program: ts.Program;
  readonly fileName: string;
  /** The code the bundler has; must be the program's text of the file. @default that text */
  readonly code?: string;
  /**
   * Where the file imports shared key helpers from: a specifier prefix ending in `/` (a directory,
   * relative to the file), whose modules (`TransformResult.modules`) the front end writes there.
   * Key helpers then live once per type, named by their content, instead of a copy in every file
   * that keys the type. For bundler plugins; tsc and the Node loader keep them in the file.
   * @default undefined (in the file)
   */
  readonly helperDir?: string;
}

/** A transformed file: its code and source map, diagnostics, and the files whose types shaped it. */
export interface TransformResult extends EditResult {
  /** Errors and warnings, each with a stable code, position and hint. */
  readonly diagnostics: readonly CachetDiagnostic[];
  /** Other files whose types shaped the generated code: re-transform this file when they change. */
  readonly dependencies: readonly string[];
  /** The helper modules the code imports (with `shareHelpers`), for the front end to serve. */
  readonly modules: readonly HelperModule[];
}

/** The compiler, bound to one TypeScript and one set of options. */
export interface CachetCompiler {
  readonly options: ResolvedOptions;
  /**
   * Rewrites one file: the code with `@cached` functions compiled, an exact source map, and
   * diagnostics. Undefined when the file has no `@cached` tag (a string search, no parsing).
   */
  transform(props: TransformProps): TransformResult | undefined;
  /** The analysis without edits, for front ends that edit an AST (the tsc transformer). */
  compile(program: ts.Program, sourceFile: ts.SourceFile): FileCompilation | undefined;
}

/** Creates the compiler the tsc entry, the bundler plugin and `@cachet/register` share. */
export function createCompiler(props: CompilerProps): CachetCompiler {
  const { ts } = props;
  const options = resolveOptions(props.options);
  const packageRoots = new Map<string, string>();
  const host = props.host ?? ts.sys;
  const compile = (program: ts.Program, sourceFile: ts.SourceFile, helperDir?: string): FileCompilation | undefined => {
    const compilation = compileFile({
      ts,
      program,
      sourceFile,
      options,
      host,
      packageRoots,
      helperDir,
    });
    if (compilation === undefined) return undefined;
    return { ...compilation, diagnostics: applyWarningPolicy(compilation.diagnostics, options.warnings) };
  };
  return {
    options,
    compile,
    transform({ program, fileName, code, helperDir }) {
      if (code !== undefined && !mayHaveTag(code)) return undefined;
      const sourceFile = program.getSourceFile(fileName);
      if (sourceFile === undefined) throw new Error(`@cachet/compiler: ${fileName} is not part of the program`);
      if (code !== undefined && code !== sourceFile.text) {
        throw new Error(
          `@cachet/compiler: the code of ${fileName} differs from the program's; run Cachet before other transforms`,
        );
      }
      const compilation = compile(program, sourceFile, helperDir);
      if (compilation === undefined) return undefined;
      const edited = applyEdits(ts, sourceFile, compilation);
      return {
        ...edited,
        diagnostics: compilation.diagnostics,
        dependencies: compilation.dependencies,
        modules: compilation.modules,
      };
    },
  };
}

export type { CompiledFunction, FileCompilation };
