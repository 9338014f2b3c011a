/**
 * What the hooks do, whichever hook API carries them: compile tagged TypeScript modules as they
 * load (leaving type stripping to Node or tsx), and resolve `./x.js` to `./x.ts` from TypeScript
 * files, as TypeScript's NodeNext resolution does.
 */
import { readFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadCore } from './core.js';
import type { RegisterOptionsResolved } from './options.js';
import { createReporter } from './report.js';
import { createTransformer } from './transformer.js';

/** TypeScript modules (as the bundler plugin's default `include`), except declarations and packages. */
const COMPILED = /\.[cm]?tsx?$/;
const SKIPPED = /\/node_modules\/|\.d\.[cm]?ts$/;

/** The source a load hook returns, in any of the forms Node accepts. */
export type Source = string | ArrayBuffer | ArrayBufferView | null | undefined;

export interface Loader {
  /**
   * The compiled source of the module at `url`, or undefined to keep what the next hook loaded.
   * Prints diagnostics; stops the process when there are errors.
   */
  load(url: string, source: Source, format: string | null | undefined): string | undefined;
  /** The `.ts` specifier to try when `specifier` (a relative `.js` one) was not found. */
  typeScriptAlternative(specifier: string, parentURL: string | undefined): string | undefined;
}

export function createLoader(options: RegisterOptionsResolved, loadCore: LoadCore): Loader {
  const transformer = createTransformer(options, loadCore);
  const reporter = createReporter({ strict: options.strict, loadCore });

  return {
    load(url, source, format) {
      if (!url.startsWith('file:')) return undefined;
      const fileName = fileURLToPath(url).replace(/\\/g, '/');
      if (!COMPILED.test(fileName) || SKIPPED.test(fileName)) return undefined;
      // CommonJS modules may come without source: Node reads them itself.
      const code = source == null ? readFileSync(fileName, 'utf8') : textOf(source);
      const output = transformer.transform(fileName, code);
      if (output === undefined) return undefined;
      if (reporter.report(output.diagnostics)) {
        // The findings are printed above; a stack trace from inside the loader would bury them.
        process.exit(1);
      }
      if (output.code !== undefined && format?.startsWith('commonjs') === true) {
        // The generated code imports the runtime with `import`, which a CommonJS module cannot hold.
        writeSync(
          2,
          `${fileName}:1:1 @cachet/register compiles @cached functions in ES modules only; ` +
            'make this one an ES module (.mts, or "type": "module" in package.json)\n',
        );
        process.exit(1);
      }
      return output.code;
    },
    typeScriptAlternative(specifier, parentURL) {
      if (parentURL === undefined || !/\.[cm]?tsx?$/.test(parentURL)) return undefined;
      if (!/^\.\.?\//.test(specifier)) return undefined;
      const match = /\.([cm]?)js(x?)$/.exec(specifier);
      if (match === null) return undefined;
      return `${specifier.slice(0, match.index)}.${match[1]}ts${match[2]}`;
    },
  };
}

function textOf(source: Exclude<Source, null | undefined>): string {
  if (typeof source === 'string') return source;
  const bytes = ArrayBuffer.isView(source)
    ? Buffer.from(source.buffer, source.byteOffset, source.byteLength)
    : Buffer.from(source);
  return bytes.toString('utf8');
}

/** Whether `error` is Node's "module not found" (the only failure a `.ts` retry may answer). */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND';
}
