/**
 * Cachet next to the TypeScript compilers users actually put in their builds, in every order:
 * each build's output runs with node and must hit with the compiled key (declared properties only),
 * never the reflective one Cachet falls back to when it is handed JavaScript.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RollupTypescriptOptions } from '@rollup/plugin-typescript';
import type { Configuration as RspackConfiguration } from '@rspack/core';
import type { RollupLog, Plugin as RollupPlugin } from 'rollup';
import type { PluginOption } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Configuration as WebpackConfiguration } from 'webpack';
import { editUntilBuilt, queue } from './drivers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = join(here, 'fixtures/plugin-order');
const tsconfig = join(fixture, 'tsconfig.json');
// Under the repository, so the built output resolves @cachet/runtime and react from its node_modules.
const tmp = join(here, '.tmp/plugin-order');
const OUT = 'main.js';

interface Built {
  readonly file: string;
  /** Every warning and error, as `code message` lines. */
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
}

interface Setup {
  readonly name: string;
  /** The file with the `@cached` function, which throws for id 0. */
  readonly tagged: string;
  /** False where a later step drops Cachet's source map (esbuild-loader ignores a loader's incoming map). */
  readonly chainsMaps?: false;
  build(outDir: string): Promise<Built>;
}

/** A Rollup log as one line; Cachet's `loc` column is 1-based, as on every front end (docs/bundlers.md#diagnostics). */
function logLine(log: RollupLog): string {
  const loc = log.loc === undefined ? '' : `${log.loc.file ?? ''}:${log.loc.line}:${log.loc.column} `;
  return `${loc}${log.code ?? ''} ${log.message}`;
}

async function rollupBuild(entry: string, outDir: string, plugins: RollupPlugin[]): Promise<Built> {
  const { rollup } = await import('rollup');
  const warnings: string[] = [];
  const file = join(outDir, OUT);
  try {
    const bundle = await rollup({
      input: join(fixture, entry),
      external: [/^@cachet\/runtime/, /^react/],
      plugins,
      onLog: (level, log) => void (level === 'warn' && warnings.push(logLine(log))),
    });
    await bundle.write({ file, format: 'es', sourcemap: true });
    await bundle.close();
    return { file, warnings, errors: [] };
  } catch (error) {
    return { file, warnings, errors: [logLine(error as RollupLog)] };
  }
}

/** Relative `./x.js` imports to `./x.ts`, as TypeScript plugins resolve them. */
function resolveTs(source: string, importer: string | undefined): string | null {
  return importer === undefined || !source.startsWith('.')
    ? null
    : join(dirname(importer), source.replace(/\.js$/, '.ts'));
}

/** esbuild compiling TypeScript in a Rollup transform hook (as rollup-plugin-esbuild does). */
function esbuildInTransform(): RollupPlugin {
  return {
    name: 'esbuild-in-transform',
    resolveId: resolveTs,
    async transform(code, id) {
      if (!/\.tsx?$/.test(id)) return null;
      const { transform } = await import('esbuild');
      const out = await transform(code, { loader: 'ts', sourcemap: 'external', sourcefile: id });
      return { code: out.code, map: out.map };
    },
  };
}

/** TypeScript's transpileModule in a Rollup load hook, for a plugin Cachet has no answer for. */
function transpileInLoad(): RollupPlugin {
  return {
    name: 'transpile-in-load',
    resolveId: resolveTs,
    async load(id) {
      if (!/\.tsx?$/.test(id)) return null;
      const { default: ts } = await import('typescript');
      const out = ts.transpileModule(readFileSync(id, 'utf8'), {
        fileName: id,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true },
      });
      return { code: out.outputText, map: out.sourceMapText ?? null };
    },
  };
}

/** @rollup/plugin-typescript, which compiles every file in its `load` hook, before any transform. */
async function typescriptPlugin(): Promise<(options: RollupTypescriptOptions) => RollupPlugin> {
  // Its types describe a CommonJS module; Node loads its ES build, whose default is the plugin.
  const plugin = (await import('@rollup/plugin-typescript')) as unknown as {
    default: (options: RollupTypescriptOptions) => RollupPlugin;
  };
  return plugin.default;
}

async function rollupTypescript(cachetFirst: boolean): Promise<Setup['build']> {
  const typescript = await typescriptPlugin();
  const cachet = (await import('unplugin-cachet/rollup')).default;
  return (outDir) => {
    const ts = typescript({ tsconfig, outputToFilesystem: false });
    return rollupBuild('src/main.ts', outDir, cachetFirst ? [cachet(), ts] : [ts, cachet()]);
  };
}

/** Rolldown with @rollup/plugin-typescript (which compiles in `load`), before or after Cachet. */
async function rolldownTypescript(cachetFirst: boolean): Promise<Setup['build']> {
  const typescript = await typescriptPlugin();
  const cachet = (await import('unplugin-cachet/rolldown')).default;
  return async (outDir) => {
    const { rolldown } = await import('rolldown');
    const ts = typescript({ tsconfig, outputToFilesystem: false });
    const plugins = (cachetFirst ? [cachet(), ts] : [ts, cachet()]) as never[];
    const warnings: string[] = [];
    const file = join(outDir, OUT);
    try {
      const bundle = await rolldown({
        input: join(fixture, 'src/main.ts'),
        cwd: fixture,
        external: [/^@cachet\/runtime/],
        platform: 'node',
        plugins,
        onLog: (level, log) => void (level === 'warn' && warnings.push(logLine(log as RollupLog))),
      });
      await bundle.write({ file, format: 'es', sourcemap: true });
      await bundle.close();
      return { file, warnings, errors: [] };
    } catch (error) {
      const errors = (error as { errors?: RollupLog[] }).errors ?? [error as RollupLog];
      return { file, warnings, errors: errors.map(logLine) };
    }
  };
}

type WebpackLike = 'webpack' | 'rspack';

const SWC = { loader: 'builtin:swc-loader', options: { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } } };

function webpackConfig(outDir: string, rule: object, plugin: unknown): WebpackConfiguration & RspackConfiguration {
  return {
    mode: 'none',
    context: fixture,
    entry: join(fixture, 'src/main.ts'),
    target: 'node22',
    devtool: 'source-map',
    output: { path: outDir, filename: OUT, module: true, chunkFormat: 'module', library: { type: 'module' } },
    experiments: { outputModule: true },
    externalsType: 'module',
    externals: [/^@cachet\/runtime/],
    resolve: { extensions: ['.ts', '.tsx', '.js'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
    module: { rules: [{ test: /\.tsx?$/, ...rule }] },
    plugins: [plugin],
    optimization: { minimize: false },
    infrastructureLogging: { level: 'none' },
  } as WebpackConfiguration & RspackConfiguration;
}

interface Stats {
  compilation: { errors: { message: string }[]; warnings: { message: string }[] };
}

async function webpackBuild(bundler: WebpackLike, outDir: string, rule: object): Promise<Built> {
  let compiler: {
    run(callback: (error: Error | null, stats?: Stats) => void): void;
    close(callback: () => void): void;
  };
  if (bundler === 'webpack') {
    const { default: webpack } = await import('webpack');
    const cachet = (await import('unplugin-cachet/webpack')).default;
    compiler = webpack(webpackConfig(outDir, rule, cachet()) as WebpackConfiguration) as unknown as typeof compiler;
  } else {
    const { rspack } = await import('@rspack/core');
    const cachet = (await import('unplugin-cachet/rspack')).default;
    compiler = rspack(webpackConfig(outDir, rule, cachet()) as RspackConfiguration) as unknown as typeof compiler;
  }
  const stats = await new Promise<Stats>((resolve, reject) =>
    compiler.run((error, result) => (error === null && result !== undefined ? resolve(result) : reject(error))),
  );
  await new Promise<void>((resolve) => compiler.close(resolve));
  return {
    file: join(outDir, OUT),
    warnings: stats.compilation.warnings.map((w) => w.message),
    errors: stats.compilation.errors.map((e) => e.message),
  };
}

async function viteBuild(entry: string, outDir: string, plugins: PluginOption[]): Promise<Built> {
  const { build } = await import('vite');
  const warnings: string[] = [];
  const file = join(outDir, OUT);
  try {
    await build({
      root: fixture,
      configFile: false,
      logLevel: 'silent',
      plugins,
      ssr: { external: ['@cachet/runtime'] },
      build: {
        ssr: join(fixture, entry),
        outDir,
        emptyOutDir: true,
        sourcemap: true,
        minify: false,
        rollupOptions: {
          output: { entryFileNames: OUT, format: 'es' },
          onwarn: (warning) => void warnings.push(logLine(warning)),
        },
      },
    });
    return { file, warnings, errors: [] };
  } catch (error) {
    const errors = (error as { errors?: RollupLog[] }).errors ?? [error as RollupLog];
    return { file, warnings, errors: errors.map(logLine) };
  }
}

/** Vite with a framework plugin (@vitejs/plugin-react) or @rollup/plugin-typescript, before or after Cachet. */
async function viteWith(other: 'react' | 'typescript', cachetFirst: boolean): Promise<Setup['build']> {
  const cachet = (await import('unplugin-cachet/vite')).default;
  const react = (await import('@vitejs/plugin-react')).default;
  const typescript = await typescriptPlugin();
  return (outDir) => {
    const plugin = other === 'react' ? react() : (typescript({ tsconfig, outputToFilesystem: false }) as PluginOption);
    const entry = other === 'react' ? 'src/main-react.tsx' : 'src/main.ts';
    return viteBuild(entry, outDir, cachetFirst ? [cachet(), plugin] : [plugin, cachet()]);
  };
}

const setups: Setup[] = [
  { name: 'rollup: cachet(), typescript()', tagged: 'src/lookup.ts', build: await rollupTypescript(true) },
  { name: 'rollup: typescript(), cachet()', tagged: 'src/lookup.ts', build: await rollupTypescript(false) },
  { name: 'rolldown: cachet(), typescript()', tagged: 'src/lookup.ts', build: await rolldownTypescript(true) },
  { name: 'rolldown: typescript(), cachet()', tagged: 'src/lookup.ts', build: await rolldownTypescript(false) },
  {
    name: 'rollup: a TypeScript transform listed before cachet()',
    tagged: 'src/lookup.ts',
    build: async (outDir) => {
      const cachet = (await import('unplugin-cachet/rollup')).default;
      return rollupBuild('src/main.ts', outDir, [esbuildInTransform(), cachet()]);
    },
  },
  {
    name: 'webpack: ts-loader with transpileOnly',
    tagged: 'src/lookup.ts',
    build: (outDir) =>
      webpackBuild('webpack', outDir, { loader: 'ts-loader', options: { configFile: tsconfig, transpileOnly: true } }),
  },
  {
    // Type-checks what Cachet hands it, under the fixture's `strict`: the generated code, and the
    // wrapper's signature where main.ts passes `lookup` on.
    name: 'webpack: ts-loader with type checking',
    tagged: 'src/lookup.ts',
    build: (outDir) => webpackBuild('webpack', outDir, { loader: 'ts-loader', options: { configFile: tsconfig } }),
  },
  {
    name: 'webpack: esbuild-loader',
    tagged: 'src/lookup.ts',
    chainsMaps: false,
    build: (outDir) => webpackBuild('webpack', outDir, { loader: 'esbuild-loader', options: { target: 'es2022' } }),
  },
  {
    name: 'rspack: builtin:swc-loader',
    tagged: 'src/lookup.ts',
    build: (outDir) => webpackBuild('rspack', outDir, SWC),
  },
  {
    name: "webpack: esbuild-loader with enforce: 'pre'",
    tagged: 'src/lookup.ts',
    chainsMaps: false,
    build: (outDir) =>
      webpackBuild('webpack', outDir, { loader: 'esbuild-loader', options: { target: 'es2022' }, enforce: 'pre' }),
  },
  {
    name: "rspack: builtin:swc-loader with enforce: 'pre'",
    tagged: 'src/lookup.ts',
    build: (outDir) => webpackBuild('rspack', outDir, { ...SWC, enforce: 'pre' }),
  },
  { name: 'vite: cachet(), react()', tagged: 'src/badge.tsx', build: await viteWith('react', true) },
  { name: 'vite: react(), cachet()', tagged: 'src/badge.tsx', build: await viteWith('react', false) },
  { name: 'vite: cachet(), typescript()', tagged: 'src/lookup.ts', build: await viteWith('typescript', true) },
  { name: 'vite: typescript(), cachet()', tagged: 'src/lookup.ts', build: await viteWith('typescript', false) },
];

/** `line:column` (1-based) of the first occurrence of `needle` in a fixture file. */
function position(file: string, needle: string): string {
  const text = readFileSync(join(fixture, file), 'utf8');
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `${before.length}:${(before.at(-1) as string).length + 1}`;
}

function outDirOf(name: string): string {
  const outDir = join(tmp, name.replace(/[^a-z]+/g, '-'));
  rmSync(outDir, { recursive: true, force: true });
  return outDir;
}

interface Run {
  results: string[];
  runs: { lookup: number };
  stack: string;
}

/** What the built entry printed under node, with source maps. */
function runOutput(file: string): Run {
  return JSON.parse(execFileSync(process.execPath, ['--enable-source-maps', file], { encoding: 'utf8' })) as Run;
}

describe.each(setups)('$name', (setup) => {
  let built: Built;
  let run: Run;

  beforeAll(async () => {
    built = await setup.build(outDirOf(setup.name));
    if (built.errors.length > 0) throw new Error(built.errors.join('\n'));
    run = runOutput(built.file);
  });

  it('builds with no reflective key', () => {
    expect(built.warnings.filter((w) => w.includes('CACHET_'))).toEqual([]);
    expect(readFileSync(built.file, 'utf8')).toMatch(/from\s*["']@cachet\/runtime\/internal["']/);
  });

  it('hits with the compiled key when run', () => {
    // Two calls differing only in a property the parameter's type does not declare: one run.
    expect(run.results).toEqual(['user 1', 'user 1']);
    expect(run.runs).toEqual({ lookup: 1 });
  });

  it.skipIf(setup.chainsMaps === false)("maps a throw in the cached function to the source's line and column", () => {
    expect(run.stack.split('\n')[1]).toContain(`${setup.tagged.slice(4)}:${position(setup.tagged, 'new Error')}`);
  });
});

/** A plugin Cachet does not know compiles TypeScript in `load`: an error at the tag, with the fix. */
it('JavaScript compiled from a tagged file before Cachet fails the build with CACHET_E_COMPILED_INPUT', async () => {
  const cachet = (await import('unplugin-cachet/rollup')).default;
  const built = await rollupBuild('src/main.ts', outDirOf('compiled-input'), [cachet(), transpileInLoad()]);
  const errors = built.errors.join('\n');
  expect(errors).toContain(`lookup.ts:${position('src/lookup.ts', '@cached')} `);
  expect(errors).toContain('CACHET_E_COMPILED_INPUT');
  expect(errors).toContain('docs/bundlers.md');
  expect([...built.errors, ...built.warnings].join('\n')).not.toContain('CACHET_W_REFLECTIVE');
});

/** Rollup in watch mode with @rollup/plugin-typescript: the files Cachet loads itself follow type edits. */
it('rollup with typescript(): a type edited in another file reaches the encoder on rebuild', async () => {
  const { watch } = await import('rollup');
  const typescript = await typescriptPlugin();
  const cachet = (await import('unplugin-cachet/rollup')).default;
  const root = outDirOf('watch');
  cpSync(fixture, root, { recursive: true });
  const file = join(root, 'dist', OUT);
  const watcher = watch({
    input: join(root, 'src/main.ts'),
    external: [/^@cachet\/runtime/],
    plugins: [cachet(), typescript({ tsconfig: join(root, 'tsconfig.json'), outputToFilesystem: false })],
    output: { file, format: 'es' },
    watch: { buildDelay: 50 },
    onLog: () => {},
  });
  const builds = queue();
  watcher.on('event', (event) => {
    if (event.code === 'BUNDLE_END') {
      void event.result.close();
      builds.push(readFileSync(file, 'utf8'));
    } else if (event.code === 'ERROR') builds.push(new Error(event.error.message));
  });
  const watching = builds.watcher(() => watcher.close());
  try {
    expect(await watching.next()).not.toMatch(/\bregion\b/);
    const types = join(root, 'src/types.ts');
    const edited = readFileSync(types, 'utf8').replace('id: number;', 'id: number;\n  region: string;');
    expect(await editUntilBuilt(watching, types, edited, (code) => /\bregion\b/.test(code))).toMatch(/\bregion\b/);
  } finally {
    await watching.close();
  }
});
