/**
 * TypeScript to JavaScript, for tagged files Cachet loads itself (see `own-load.ts`): TypeScript's
 * `transpileModule` with the compiler options of the file's tsconfig, as the plugin that would
 * otherwise have compiled the file reads them, keeping ES modules for the bundler, with a source map
 * the bundler chains to the one of Cachet's edits.
 */
import type ts from 'typescript';
import type { TS } from './typescript.js';

export interface Stripper {
  /** `code` (TypeScript) as JavaScript; `tsconfig` as the plugin's option, else the nearest. */
  strip(fileName: string, code: string, tsconfig: string | undefined): { code: string; map: string };
}

const NO_CONFIG = '';

export function createStripper(ts: TS): Stripper {
  const optionsOf = new Map<string, ts.CompilerOptions>();

  function compilerOptions(fileName: string, tsconfig: string | undefined): ts.CompilerOptions {
    const dir = fileName.slice(0, fileName.lastIndexOf('/'));
    const config = tsconfig ?? ts.findConfigFile(dir, ts.sys.fileExists) ?? NO_CONFIG;
    let options = optionsOf.get(config);
    if (options === undefined) {
      options = config === NO_CONFIG ? {} : parseConfig(config).options;
      optionsOf.set(config, options);
    }
    return options;
  }

  function parseConfig(config: string): ts.ParsedCommandLine {
    const host = {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic(diagnostic: ts.Diagnostic): never {
        throw new Error(`unplugin-cachet: ${config}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
      },
    };
    const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, host);
    if (parsed === undefined) throw new Error(`unplugin-cachet: cannot read ${config}`);
    return parsed;
  }

  return {
    strip(fileName, code, tsconfig) {
      const output = ts.transpileModule(code, {
        fileName,
        compilerOptions: {
          ...compilerOptions(fileName, tsconfig),
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          sourceMap: true,
          inlineSourceMap: false,
          inlineSources: false,
          declaration: false,
          declarationMap: false,
          noEmit: false,
          emitDeclarationOnly: false,
        },
      });
      return {
        code: output.outputText.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n'),
        map: output.sourceMapText ?? '',
      };
    },
  };
}
