/**
 * One driver per real bundler: build a fixture entry for Node (the runtime stays external, so the
 * output imports `@cachet/runtime`), collect warnings and errors as `file:line:column message`
 * (1-based), and watch for rebuilds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration as RspackConfiguration } from '@rspack/core';
import type { Plugin as EsbuildPlugin, Message } from 'esbuild';
import type { RollupLog, Plugin as RollupPlugin } from 'rollup';
import type { Options } from 'unplugin-cachet';
import type { Configuration as WebpackConfiguration } from 'webpack';

export type BundlerName = 'vite' | 'rollup' | 'rolldown' | 'esbuild' | 'webpack' | 'rspack';
export const bundlerNames: readonly BundlerName[] = ['vite', 'rollup', 'rolldown', 'esbuild', 'webpack', 'rspack'];

export interface BuildProps {
  readonly root: string;
  /** Relative to root, e.g. `src/main.ts`. */
  readonly entry: string;
  readonly outDir: string;
  readonly options?: Options;
}

export interface BuildOutcome {
  /** The built entry (`<outDir>/main.js`). */
  readonly file: string;
  readonly warnings: string[];
  /** Empty when the build succeeded. */
  readonly errors: string[];
}

/** A bundler in watch mode: each finished build's output code, in order. */
export interface Watcher {
  next(): Promise<string>;
  close(): Promise<void>;
}

export interface Driver {
  build(props: BuildProps): Promise<BuildOutcome>;
  watch(props: BuildProps): Promise<Watcher>;
}

const stripLoader = fileURLToPath(new URL('../../scripts/strip-types-loader.mjs', import.meta.url));
const EXTERNAL = /^@cachet\/runtime/;
const OUT = 'main.js';

/** `file:line:column message` from a `loc` (Cachet's columns are 1-based on every bundler). */
function located(message: string, loc: { file?: string | undefined; line: number; column: number } | undefined) {
  return loc === undefined ? message : `${loc.file ?? ''}:${loc.line}:${loc.column} ${message}`;
}

/** A Rollup-like log as these bundlers print it: located message, then the code frame. */
function rollupLog(log: RollupLog): string {
  return located(log.frame === undefined ? log.message : `${log.message}\n${log.frame}`, log.loc);
}

function esbuildMessage(message: Message): string {
  const loc = message.location;
  return loc === null ? message.text : located(message.text, { file: loc.file, line: loc.line, column: loc.column });
}

/**
 * Writes `text` to `file` and returns the first build after it whose output `shows` the edit.
 * Every bundler says when a build ends, but not all say when their watcher is armed again:
 * webpack and Rspack do (their driver hands a build on once it is), and esbuild compares files
 * with what its build read; the chokidar and notify watchers of Rollup, Rolldown and Vite do not.
 * So while `quiet` ms pass with no build at all, the file is written again (a new change event),
 * instead of a fixed wait before the first write; builds that do not show the edit are skipped.
 */
export async function editUntilBuilt(
  watcher: Watcher,
  file: string,
  text: string,
  shows: (code: string) => boolean,
  quiet = 500,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  writeFileSync(file, text);
  let pending = watcher.next();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), quiet);
    });
    const code = await Promise.race([pending, silence]);
    clearTimeout(timer);
    if (code !== undefined && shows(code)) return code;
    if (Date.now() > deadline) throw new Error(`no build showed the edit of ${file} in 30 s`);
    if (code === undefined) writeFileSync(file, text);
    else pending = watcher.next();
  }
}

/** Builds' outputs as a queue the test can await. */
export function queue(): { push(code: string | Error): void; watcher(close: () => Promise<void>): Watcher } {
  const ready: (string | Error)[] = [];
  const waiting: ((value: string | Error) => void)[] = [];
  return {
    push(code) {
      const resolve = waiting.shift();
      if (resolve === undefined) ready.push(code);
      else resolve(code);
    },
    watcher(close) {
      return {
        async next() {
          const value = ready.shift() ?? (await new Promise<string | Error>((resolve) => waiting.push(resolve)));
          if (value instanceof Error) throw value;
          return value;
        },
        close,
      };
    },
  };
}

/** A TypeScript stripper for Rollup, which has none (users add @rollup/plugin-typescript or similar). */
function stripTypes(): RollupPlugin {
  return {
    name: 'strip-types',
    async resolveId(source, importer) {
      if (importer === undefined || !source.startsWith('.') || !source.endsWith('.js')) return null;
      const resolved = await this.resolve(source.replace(/\.js$/, '.ts'), importer, { skipSelf: true });
      return resolved;
    },
    async transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const { transform } = await import('esbuild');
      const out = await transform(code, { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: id });
      return { code: out.code, map: out.map };
    },
  };
}

const vite: Driver = {
  async build({ root, entry, outDir, options }) {
    const { build } = await import('vite');
    const cachet = (await import('unplugin-cachet/vite')).default;
    const warnings: string[] = [];
    try {
      await build({
        root,
        configFile: false,
        logLevel: 'silent',
        plugins: [cachet(options)],
        ssr: { external: ['@cachet/runtime'] },
        build: {
          ssr: join(root, entry),
          outDir,
          emptyOutDir: true,
          sourcemap: true,
          minify: false,
          rollupOptions: {
            external: [EXTERNAL],
            output: { entryFileNames: OUT, format: 'es' },
            onwarn: (warning) => void warnings.push(rollupLog(warning)),
          },
        },
      });
      return { file: join(outDir, OUT), warnings, errors: [] };
    } catch (error) {
      const errors = (error as { errors?: RollupLog[] }).errors ?? [error as RollupLog];
      return { file: join(outDir, OUT), warnings, errors: errors.map(rollupLog) };
    }
  },
  async watch({ root }) {
    // Vite's watch mode is its dev server: the module must be invalidated through the hot update.
    const { createServer } = await import('vite');
    const cachet = (await import('unplugin-cachet/vite')).default;
    const server = await createServer({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [cachet({ defaults: { storage: 'memory' } })],
      server: { middlewareMode: true, ws: false },
    });
    const env = server.environments.ssr;
    let last = '';
    return {
      async next() {
        // A dev server has no "build end": transform until the output differs from the last one.
        for (let i = 0; i < 200; i++) {
          let code = (await env.transformRequest('/src/users.ts'))?.code ?? '';
          // The key helper modules it imports, as the dev server serves them (the module alone is
          // what a bundle's other files would share).
          for (const [, url] of code.matchAll(/["'](\/[^"']*\/helpers\/[\w-]+\.mjs)["']/g)) {
            code += `\n${(await env.transformRequest(url as string))?.code ?? ''}`;
          }
          if (code !== last) return (last = code);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('vite: users.ts was not transformed again');
      },
      close: () => server.close(),
    };
  },
};

function rollupInput({ root, entry }: BuildProps, plugins: RollupPlugin[]) {
  return { input: join(root, entry), external: [EXTERNAL], plugins, onLog: () => {} };
}

const rollup: Driver = {
  async build(props) {
    const { rollup: bundle } = await import('rollup');
    const cachet = (await import('unplugin-cachet/rollup')).default;
    const warnings: string[] = [];
    try {
      const build = await bundle({
        ...rollupInput(props, [cachet(props.options), stripTypes()]),
        onLog: (level, log) => void (level === 'warn' && warnings.push(rollupLog(log))),
      });
      await build.write({ file: join(props.outDir, OUT), format: 'es', sourcemap: true });
      await build.close();
      return { file: join(props.outDir, OUT), warnings, errors: [] };
    } catch (error) {
      return { file: join(props.outDir, OUT), warnings, errors: [rollupLog(error as RollupLog)] };
    }
  },
  async watch(props) {
    const { watch } = await import('rollup');
    const cachet = (await import('unplugin-cachet/rollup')).default;
    const builds = queue();
    const file = join(props.outDir, OUT);
    const watcher = watch({
      ...rollupInput(props, [cachet(props.options), stripTypes()]),
      output: { file, format: 'es', sourcemap: true },
      watch: { buildDelay: 50 },
    });
    watcher.on('event', (event) => {
      if (event.code === 'BUNDLE_END') {
        void event.result.close();
        builds.push(readFileSync(file, 'utf8'));
      } else if (event.code === 'ERROR') builds.push(new Error(event.error.message));
    });
    return builds.watcher(() => watcher.close());
  },
};

function rolldownInput({ root, entry, options }: BuildProps, cachet: (o?: Options) => unknown) {
  return {
    input: join(root, entry),
    cwd: root,
    external: [EXTERNAL],
    platform: 'node' as const,
    plugins: [cachet(options)] as never[],
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  };
}

const rolldown: Driver = {
  async build(props) {
    const { rolldown: bundle } = await import('rolldown');
    const cachet = (await import('unplugin-cachet/rolldown')).default;
    const warnings: string[] = [];
    try {
      const build = await bundle({
        ...rolldownInput(props, cachet),
        onLog: (level, log) => void (level === 'warn' && warnings.push(rollupLog(log as RollupLog))),
      });
      await build.write({ file: join(props.outDir, OUT), format: 'es', sourcemap: true });
      await build.close();
      return { file: join(props.outDir, OUT), warnings, errors: [] };
    } catch (error) {
      const errors = (error as { errors?: RollupLog[] }).errors ?? [error as RollupLog];
      return { file: join(props.outDir, OUT), warnings, errors: errors.map(rollupLog) };
    }
  },
  async watch(props) {
    const { watch } = await import('rolldown');
    const cachet = (await import('unplugin-cachet/rolldown')).default;
    const builds = queue();
    const file = join(props.outDir, OUT);
    const watcher = watch({
      ...rolldownInput(props, cachet),
      output: { file, format: 'es', sourcemap: true },
      watch: { buildDelay: 50 },
    });
    watcher.on('event', (event) => {
      if (event.code === 'BUNDLE_END') {
        void event.result.close();
        builds.push(readFileSync(file, 'utf8'));
      } else if (event.code === 'ERROR') builds.push(new Error(String(event.error)));
    });
    return builds.watcher(() => watcher.close());
  },
};

function esbuildOptions({ root, entry, outDir }: BuildProps, plugins: EsbuildPlugin[]) {
  return {
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    outfile: join(outDir, OUT),
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    sourcemap: true,
    external: ['@cachet/runtime', '@cachet/runtime/*'],
    logLevel: 'silent' as const,
    plugins,
  };
}

const esbuild: Driver = {
  async build(props) {
    const { build } = await import('esbuild');
    const cachet = (await import('unplugin-cachet/esbuild')).default;
    try {
      const result = await build(esbuildOptions(props, [cachet(props.options)]));
      return { file: join(props.outDir, OUT), warnings: result.warnings.map(esbuildMessage), errors: [] };
    } catch (error) {
      const failure = error as { errors: Message[]; warnings: Message[] };
      return {
        file: join(props.outDir, OUT),
        warnings: failure.warnings.map(esbuildMessage),
        errors: failure.errors.map(esbuildMessage),
      };
    }
  },
  async watch(props) {
    const { context } = await import('esbuild');
    const cachet = (await import('unplugin-cachet/esbuild')).default;
    const builds = queue();
    const notify: EsbuildPlugin = {
      name: 'notify',
      setup(build) {
        build.onEnd((result) => {
          const out = result.outputFiles?.find((f) => f.path.endsWith(OUT));
          builds.push(out === undefined ? new Error(result.errors.map(esbuildMessage).join('\n')) : out.text);
        });
      },
    };
    const ctx = await context({ ...esbuildOptions(props, [cachet(props.options), notify]), write: false });
    await ctx.watch();
    return builds.watcher(() => ctx.dispose());
  },
};

type WebpackLike = 'webpack' | 'rspack';

function webpackConfig(bundler: WebpackLike, props: BuildProps, plugin: unknown) {
  const ts =
    bundler === 'webpack'
      ? { loader: stripLoader }
      : { loader: 'builtin:swc-loader', options: { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } } };
  return {
    mode: 'none',
    context: props.root,
    entry: join(props.root, props.entry),
    target: 'node20',
    devtool: 'source-map',
    output: { path: props.outDir, filename: OUT, module: true, chunkFormat: 'module', library: { type: 'module' } },
    experiments: { outputModule: true },
    externalsType: 'module',
    externals: [EXTERNAL],
    resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
    module: { rules: [{ test: /\.ts$/, ...ts }] },
    plugins: [plugin],
    optimization: { minimize: false },
    infrastructureLogging: { level: 'none' },
  } as WebpackConfiguration & RspackConfiguration;
}

interface Stats {
  hasErrors(): boolean;
  compilation: { errors: { message: string }[]; warnings: { message: string }[] };
}
interface Compiler {
  run(callback: (error: Error | null, stats?: Stats) => void): void;
  watch(options: object, callback: (error: Error | null, stats?: Stats) => void): { close(cb: () => void): void };
  close(callback: () => void): void;
  watchFileSystem: { watch(...args: unknown[]): unknown };
}

async function webpackCompiler(bundler: WebpackLike, props: BuildProps): Promise<Compiler> {
  if (bundler === 'webpack') {
    const { default: webpack } = await import('webpack');
    const cachet = (await import('unplugin-cachet/webpack')).default;
    return webpack(webpackConfig(bundler, props, cachet(props.options)) as WebpackConfiguration) as unknown as Compiler;
  }
  const { rspack } = await import('@rspack/core');
  const cachet = (await import('unplugin-cachet/rspack')).default;
  return rspack(webpackConfig(bundler, props, cachet(props.options)) as RspackConfiguration) as unknown as Compiler;
}

function webpackDriver(bundler: WebpackLike): Driver {
  return {
    async build(props) {
      const compiler = await webpackCompiler(bundler, props);
      const stats = await new Promise<Stats>((resolve, reject) =>
        compiler.run((error, result) => (error === null && result !== undefined ? resolve(result) : reject(error))),
      );
      await new Promise<void>((resolve) => compiler.close(resolve));
      return {
        file: join(props.outDir, OUT),
        warnings: stats.compilation.warnings.map((w) => w.message),
        errors: stats.compilation.errors.map((e) => e.message),
      };
    },
    async watch(props) {
      const compiler = await webpackCompiler(bundler, props);
      const builds = queue();
      // Webpack and Rspack call back with a build before they watch its files again (on the next
      // tick): a build is handed on once its watcher is armed, so a change the test makes then
      // is seen (the watcher compares times with the build's start, not with its own).
      let done: string | Error | undefined;
      const files = compiler.watchFileSystem;
      const watchFiles = files.watch.bind(files);
      files.watch = (...args: unknown[]) => {
        const armed = watchFiles(...args);
        if (done !== undefined) builds.push(done);
        done = undefined;
        return armed;
      };
      const watching = compiler.watch({ aggregateTimeout: 50 }, (error, stats) => {
        if (error !== null || stats === undefined) return builds.push(error ?? new Error('no stats'));
        if (stats.hasErrors()) return builds.push(new Error(stats.compilation.errors.map((e) => e.message).join('\n')));
        done = readFileSync(join(props.outDir, OUT), 'utf8');
      });
      return builds.watcher(() => new Promise<void>((resolve) => watching.close(resolve)));
    },
  };
}

export const drivers: Record<BundlerName, Driver> = {
  vite,
  rollup,
  rolldown,
  esbuild,
  webpack: webpackDriver('webpack'),
  rspack: webpackDriver('rspack'),
};
