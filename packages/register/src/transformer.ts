/**
 * One file in, its compiled source out: the persistent cache first, else the bundler plugin's
 * core (the same compiler, TypeScript and incremental language service per tsconfig). TypeScript
 * is loaded at the first miss, so a warm start whose files are all cached never loads it.
 */
import { dirname } from 'node:path';
import type { Cachet, Options } from 'unplugin-cachet/core';
import type { Core, LoadCore } from './core.js';
import { nearest } from './nearest.js';
import type { RegisterOptionsResolved } from './options.js';
import { transformerStamp } from './stamp.js';
import { createTransformCache, type TransformOutput, transformKey } from './transform-cache.js';

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
  const cache = options.cacheDir === undefined ? undefined : createTransformCache(options.cacheDir);
  let stamp: string | undefined;

  return {
    transform(fileName, code) {
      if (!code.includes('@cached')) return undefined;
      stamp ??= transformerStamp();
      const dir = dirname(fileName);
      const tsconfig = options.tsconfig ?? nearest(dir, 'tsconfig.json') ?? '';
      // The function ids are paths relative to the nearest package.json.
      const packageJson = nearest(dir, 'package.json') ?? '';
      const key = transformKey([stamp, JSON.stringify(options), fileName, tsconfig, packageJson, code]);
      const hit = cache?.get(key);
      if (hit !== undefined) return hit;
      const { core, cachet } = start();
      const outcome = cachet.transform(fileName, code);
      const output: TransformOutput = {
        code: outcome?.output === undefined ? undefined : withInlineMap(outcome.output),
        diagnostics: outcome?.diagnostics ?? [],
      };
      cache?.set(key, output, [...(outcome?.dependencies ?? []), ...configFiles(core, tsconfig)]);
      return output;
    },
  };
}

/** The tsconfig and every config it extends: their options shape the types. */
function configFiles(core: Core, tsconfig: string): string[] {
  if (tsconfig === '') return [];
  const { ts } = core.plugin.loadAnalyser();
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  const configFile = parsed?.options.configFile as { extendedSourceFiles?: string[] } | undefined;
  const extended = configFile?.extendedSourceFiles ?? [];
  return [tsconfig, ...extended];
}

/** The plugin's options for these loader options (the same names and meaning). */
function pluginOptions(options: RegisterOptionsResolved): Options {
  return {
    ...(options.tsconfig === undefined ? {} : { tsconfig: options.tsconfig }),
    defaults: options.defaults,
    verify: options.verify,
    strict: options.strict,
  };
}

/** Stack traces and debuggers point at the original lines (`--enable-source-maps`, tsx). */
function withInlineMap(output: { code: string; map: { toUrl(): string } }): string {
  return `${output.code}\n//# sourceMappingURL=${output.map.toUrl()}\n`;
}
