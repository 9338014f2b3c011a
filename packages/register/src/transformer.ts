/**
 * One file in, its compiled source out: the persistent cache first, else the bundler plugin's
 * core (the same compiler, TypeScript and incremental language service per tsconfig). TypeScript
 * is loaded at the first miss, so a warm start whose files are all cached never loads it.
 */
import { dirname } from 'node:path';
import type { CachetDiagnostic } from '@cachet/compiler';
import { createTransformCache, hashText } from '@cachet/compiler/transform-cache';
import type { Cachet, Options } from 'unplugin-cachet/core';
import type { Core, LoadCore } from './core.js';
import { nearest } from './nearest.js';
import type { RegisterOptionsResolved } from './options.js';
import { transformerStamp } from './stamp.js';

/** What a transform produced. */
export interface TransformOutput {
  /** The rewritten source; undefined when the file is unchanged (only diagnostics). */
  readonly code: string | undefined;
  readonly diagnostics: readonly CachetDiagnostic[];
}

export interface Transformer {
  /** The compiled file, or undefined when it holds no `@cached` tag (a string search). */
  transform(fileName: string, code: string): TransformOutput | undefined;
}

export function createTransformer(options: RegisterOptionsResolved, loadCore: LoadCore): Transformer {
  let compiler: { readonly core: Core; readonly cachet: Cachet } | undefined;
  const start = (): NonNullable<typeof compiler> => {
    if (compiler !== undefined) return compiler;
    const core = loadCore();
    const resolved = core.plugin.resolveOptions(pluginOptions(options));
    compiler = { core, cachet: core.plugin.createCachet(resolved) };
    return compiler;
  };
  const cache =
    options.cacheDir === undefined
      ? undefined
      : createTransformCache<TransformOutput>({
          dir: options.cacheDir,
          // TypeScript's lib files are served from memory; its version is in the stamp.
          unstamped: (file) => file.startsWith('/__cachet__/'),
          warn: (message) => process.emitWarning(`@cachet/register: ${message}`),
        });
  let stamp: string | undefined;

  return {
    transform(fileName, code) {
      if (!code.includes('@cached')) return undefined;
      stamp ??= transformerStamp();
      const dir = dirname(fileName);
      const tsconfig = options.tsconfig ?? nearest(dir, 'tsconfig.json') ?? '';
      // The function ids are paths relative to the nearest package.json.
      const packageJson = nearest(dir, 'package.json') ?? '';
      const key = hashText(stamp, JSON.stringify(options), tsconfig, packageJson, code);
      const hit = cache?.get(fileName, key);
      if (hit !== undefined) return hit.value;
      const { cachet } = start();
      const outcome = cachet.transform(fileName, code);
      const output: TransformOutput = {
        code: outcome?.output === undefined ? undefined : withInlineMap(outcome.output),
        diagnostics: outcome?.diagnostics ?? [],
      };
      // The core's dependencies: the files whose types shaped the output, the tsconfig and what it extends.
      cache?.set(fileName, key, outcome?.dependencies ?? [], output);
      return output;
    },
  };
}

/** The plugin's options for these loader options (the same names and meaning). */
function pluginOptions(options: RegisterOptionsResolved): Options {
  return {
    ...(options.tsconfig === undefined ? {} : { tsconfig: options.tsconfig }),
    defaults: options.defaults,
    verify: options.verify,
    strict: options.strict,
    ...(options.warnings === undefined ? {} : { warnings: options.warnings }),
    ...(options.stores === undefined ? {} : { stores: options.stores }),
    ...(options.runtimeModule === undefined ? {} : { runtimeModule: options.runtimeModule }),
    // This loader keeps its own persistent cache in front of the core (a warm start then loads
    // neither the core nor the compiler); the core's would store every result twice.
    cacheDir: false,
  };
}

/** Stack traces and debuggers point at the original lines (`--enable-source-maps`, tsx). */
function withInlineMap(output: { code: string; map: string }): string {
  const url = `data:application/json;charset=utf-8;base64,${Buffer.from(output.map).toString('base64')}`;
  return `${output.code}\n//# sourceMappingURL=${url}\n`;
}
