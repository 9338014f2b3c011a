/**
 * Cachet as users get it: TypeScript functions tagged `@cached`, built by the real bundler plugin
 * (esbuild with unplugin-cachet), then imported. The scenarios' "Cachet (plugin output)" rows
 * call these, so the benchmark measures the code the compiler generates, not a hand-wired call.
 *
 * Each function calls a body the scenario sets (its counted function), through a module-level
 * `const` holder; a scenario uses each function once, so every row starts with an empty cache.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, '.tmp/bench-compiled');

const SOURCE = `
export interface Query {
  user: string;
  limit: number;
  tags: string[];
}

/** The bodies the benchmark sets: what each cached function runs on a miss. */
export const bodies = {
  number: (n: number): number => n,
  object: (q: Query): string => q.user,
  reordered: (q: Query): string => q.user,
  async: async (q: Query): Promise<string> => q.user,
  miss: (key: string): number => key.length,
  herd: async (q: Query): Promise<string> => q.user,
  persist: (id: number, bytes: number): Payload => ({ id, name: String(bytes), tags: [], body: '' }),
};

/** A value the persistent tiers store (JSON). */
export interface Payload {
  id: number;
  name: string;
  tags: string[];
  body: string;
}

/** @cached storage=memory */
export function numberHit(n: number): number {
  return bodies.number(n);
}

/** @cached storage=memory */
export function objectHit(q: Query): string {
  return bodies.object(q);
}

/** @cached storage=memory */
export function objectHitReordered(q: Query): string {
  return bodies.reordered(q);
}

/** @cached storage=memory */
export async function asyncHit(q: Query): Promise<string> {
  return bodies.async(q);
}

/** @cached storage=memory */
export function missUnderEviction(key: string): number {
  return bodies.miss(key);
}

/** @cached storage=memory */
export async function herd(q: Query): Promise<string> {
  return bodies.herd(q);
}

/** @cached storage=sqlite */
export function persistSqlite(id: number, bytes: number): Payload {
  return bodies.persist(id, bytes);
}

/** @cached storage=fs */
export function persistFs(id: number, bytes: number): Payload {
  return bodies.persist(id, bytes);
}
`;

let loaded;
let loadedVite;

/** Builds the module once per process with esbuild and the plugin, and imports it. */
export function compiledFunctions() {
  loaded ??= build();
  return loaded;
}

/**
 * The same module built by Vite (a library build, Rolldown) with the plugin, from a copy of the
 * source in a folder of its own (so its functions have ids of their own), and imported.
 */
export function compiledFunctionsVite() {
  loadedVite ??= buildVite();
  return loadedVite;
}

/** Writes the module's source and a tsconfig into `folder`; returns the source file. */
function writeSource(folder) {
  mkdirSync(folder, { recursive: true });
  const entry = join(folder, 'functions.ts');
  writeFileSync(entry, SOURCE);
  writeFileSync(
    join(folder, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', strict: true, types: [] } }),
  );
  return entry;
}

async function buildVite() {
  const folder = join(dir, 'vite');
  const entry = writeSource(folder);
  const { build: viteBuild } = await import('vite');
  const cachet = (await import('unplugin-cachet/vite')).default;
  const outDir = join(folder, 'dist');
  await viteBuild({
    configFile: false,
    root: folder,
    logLevel: 'silent',
    plugins: [cachet({ cacheDir: join(folder, '.transform-cache') })],
    build: {
      lib: { entry, formats: ['es'], fileName: () => 'functions.mjs' },
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rollupOptions: { external: [/^@cachet\//] },
    },
  });
  return import(pathToFileURL(join(outDir, 'functions.mjs')).href);
}

async function build() {
  const entry = writeSource(dir);
  const { build: esbuild } = await import('esbuild');
  const cachet = (await import('unplugin-cachet/esbuild')).default;
  const outfile = join(dir, 'functions.mjs');
  const result = await esbuild({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@cachet/*'],
    logLevel: 'silent',
    plugins: [cachet({ cacheDir: join(dir, '.transform-cache') })],
  });
  if (result.errors.length > 0 || result.warnings.length > 0) {
    throw new Error(`building the benchmark's functions: ${JSON.stringify([...result.errors, ...result.warnings])}`);
  }
  return import(pathToFileURL(outfile).href);
}

/** A factory for `prepare`: the compiled function `name`, running `fn` on a miss. */
export function pluginOutput(module, name, body) {
  return (fn) => {
    module.bodies[body] = fn;
    return module[name];
  };
}
