// The playground built four ways, plus a fifth without a build. Each build writes
// dist/<name>/main.js, which imports @cachet/runtime (kept external: it is the one runtime the
// compiled functions share); `register` returns the node arguments that load the sources directly.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, 'src/main.ts');
const out = (name) => join(here, 'dist', name);
const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** True when `unplugin-cachet/<bundler>` resolves to a built file. */
export function pluginReady(bundler) {
  try {
    return existsSync(require.resolve(`unplugin-cachet/${bundler}`));
  } catch {
    return false;
  }
}

/** tsc with ts-patch: `tspc` runs the compiler's transformer named in tsconfig.json. */
async function tsc() {
  const tspc = require.resolve('ts-patch/bin/tspc.js');
  try {
    await run(process.execPath, [tspc, '-p', join(here, 'tsconfig.json')], { cwd: here });
  } catch (error) {
    throw new Error(`tspc failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
  return join(out('tsc'), 'main.js');
}

async function vite() {
  const { build } = await import('vite');
  const { default: cachet } = await import('unplugin-cachet/vite');
  await build({
    root: here,
    configFile: false,
    logLevel: 'warn',
    plugins: [cachet()],
    build: {
      ssr: entry,
      outDir: out('vite'),
      emptyOutDir: true,
      minify: false,
      rollupOptions: { external: [/^@cachet\/runtime/], output: { entryFileNames: 'main.js', format: 'es' } },
    },
  });
  return join(out('vite'), 'main.js');
}

async function esbuild() {
  const { build } = await import('esbuild');
  const { default: cachet } = await import('unplugin-cachet/esbuild');
  await build({
    absWorkingDir: here,
    entryPoints: [entry],
    outfile: join(out('esbuild'), 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['@cachet/runtime', '@cachet/runtime/*'],
    logLevel: 'warning',
    plugins: [cachet()],
  });
  return join(out('esbuild'), 'main.js');
}

async function webpack() {
  const { default: createCompiler } = await import('webpack');
  const { default: cachet } = await import('unplugin-cachet/webpack');
  const compiler = createCompiler({
    mode: 'production',
    context: here,
    entry,
    target: 'node20',
    output: {
      path: out('webpack'),
      filename: 'main.js',
      module: true,
      chunkFormat: 'module',
      library: { type: 'module' },
    },
    experiments: { outputModule: true, topLevelAwait: true },
    externalsType: 'module',
    externals: [/^@cachet\/runtime/],
    resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
    // webpack reads no TypeScript by itself: a loader strips types after Cachet's plugin has run.
    module: { rules: [{ test: /\.ts$/, loader: join(here, '../scripts/strip-types-loader.mjs') }] },
    plugins: [cachet()],
    optimization: { minimize: false },
    infrastructureLogging: { level: 'error' },
  });
  const stats = await new Promise((resolve, reject) =>
    compiler.run((error, result) => (error ? reject(error) : resolve(result))),
  );
  await new Promise((resolve) => compiler.close(resolve));
  if (stats.hasErrors()) throw new Error(stats.compilation.errors.map((e) => e.message).join('\n'));
  return join(out('webpack'), 'main.js');
}

/**
 * No build: `node --import @cachet/register src/main.ts` compiles the tagged modules as Node loads
 * them. Node strips the types where it can (22.6+); older Node runs tsx after Cachet. The loader's
 * transform cache starts empty, so the cold run compiles and the warm one reads the cache.
 */
async function register() {
  const transforms = join(here, '.cachet', 'register-transforms');
  rmSync(transforms, { recursive: true, force: true });
  const [major, minor] = process.versions.node.split('.').map(Number);
  const strips = major > 22 || (major === 22 && minor >= 6);
  const flag = (major === 22 && minor < 18) || (major === 23 && minor < 6) ? ['--experimental-strip-types'] : [];
  const types = strips ? flag : ['--import', 'tsx'];
  return {
    args: ['--import', '@cachet/register', ...types, entry],
    env: { CACHET_TRANSFORM_CACHE: transforms },
  };
}

/** Every build, in the order the playground runs them; `plugin` names the unplugin entry it needs. */
export const builds = [
  { name: 'tsc', build: tsc },
  { name: 'vite', plugin: 'vite', build: vite },
  { name: 'esbuild', plugin: 'esbuild', build: esbuild },
  { name: 'webpack', plugin: 'webpack', build: webpack },
  { name: 'register', build: register },
];
