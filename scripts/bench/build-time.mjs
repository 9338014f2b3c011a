// What unplugin-cachet costs a build. Generates a 500-file TypeScript project with 20 annotated
// functions (under .tmp/, git-ignored; `--files 5000` for a larger one), then measures:
//   1. full builds with Vite and esbuild: without the plugin; with it cold (its persistent
//      transform cache removed: a new plugin each build starts a language service; TypeScript
//      itself is loaded once per process); and with it warm (the cache of the previous build kept,
//      nothing changed: TypeScript is not needed);
//   2. the transform hook on the 480 files without the tag (what the plugin adds per such file);
//   3. re-transforming an annotated file after an edit to a type it uses, in a warm plugin.
// Medians of one run. Usage: npm run build && node scripts/bench/build-time.mjs [--runs 5]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const root = join(repo, '.tmp/bench-build');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 5 : Number(process.argv[runsArg + 1]);
const filesArg = process.argv.indexOf('--files');
const FILES = filesArg === -1 ? 500 : Number(process.argv[filesArg + 1]);
const ANNOTATED = 20;
/** The plugin's persistent transform cache for the benchmark's builds. */
const CACHE_DIR = join(root, '.cachet-transform');
const pluginOptions = { cacheDir: CACHE_DIR };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (value) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

function plainModule(i) {
  const dep = i === 0 ? '' : `import { value${i - 1} } from './m${i - 1}.js';\n`;
  return `${dep}export interface Shape${i} {
  id: number;
  name: string;
  tags: readonly string[];
  nested: { at: Date; score: number };
}

export function make${i}(id: number): Shape${i} {
  return { id, name: \`shape ${i}\`, tags: ['a', 'b'], nested: { at: new Date(0), score: id * ${i} } };
}

export function score${i}(shapes: readonly Shape${i}[]): number {
  let total = 0;
  for (const shape of shapes) total += shape.nested.score + shape.tags.length;
  return total;
}

export const value${i}: number = ${i === 0 ? '0' : `value${i - 1} + 1`};
`;
}

function annotatedModule(i) {
  return `import type { Filter, Page } from './types.js';

/**
 * Finds the items of one page.
 * @cached ttl=10m storage=memory
 */
export async function find${i}(filter: Filter, page: Page): Promise<{ ids: number[]; total: number }> {
  const ids = Array.from({ length: page.size }, (_, k) => k + page.offset + ${i});
  return { ids: ids.filter((id) => filter.kinds.length > 0 || id > 0), total: ids.length };
}
`;
}

const TYPES = `export interface Filter {
  kinds: readonly ('a' | 'b' | 'c')[];
  owner?: { id: number; team: string };
  since: Date;
}

export interface Page {
  offset: number;
  size: number;
}
`;

function generate() {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "name": "bench-build", "private": true, "type": "module" }\n');
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, skipLibCheck: true, types: [] },
      include: ['src'],
    }),
  );
  writeFileSync(join(root, 'src/types.ts'), TYPES);
  const imports = [];
  for (let i = 0; i < FILES - ANNOTATED; i++) {
    writeFileSync(join(root, `src/m${i}.ts`), plainModule(i));
    imports.push(`export * from './m${i}.js';`);
  }
  for (let i = 0; i < ANNOTATED; i++) {
    writeFileSync(join(root, `src/cached${i}.ts`), annotatedModule(i));
    imports.push(`export * from './cached${i}.js';`);
  }
  writeFileSync(join(root, 'src/index.ts'), `${imports.join('\n')}\n`);
}

/** `plugin` is 'none', 'cold' (the transform cache removed first) or 'warm' (kept). */
async function viteBuild(plugin) {
  const withPlugin = plugin !== 'none';
  if (plugin === 'cold') rmSync(CACHE_DIR, { recursive: true, force: true });
  const { build } = await import('vite');
  const cachet = (await import('unplugin-cachet/vite')).default;
  const started = performance.now();
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: withPlugin ? [cachet(pluginOptions)] : [],
    build: {
      lib: { entry: join(root, 'src/index.ts'), formats: ['es'], fileName: 'index' },
      outDir: join(root, withPlugin ? 'dist-vite-cachet' : 'dist-vite'),
      emptyOutDir: true,
      minify: false,
      rollupOptions: { external: [/^@cachet\//] },
    },
  });
  return performance.now() - started;
}

async function esbuildBuild(plugin) {
  const withPlugin = plugin !== 'none';
  if (plugin === 'cold') rmSync(CACHE_DIR, { recursive: true, force: true });
  const { build } = await import('esbuild');
  const cachet = (await import('unplugin-cachet/esbuild')).default;
  const started = performance.now();
  await build({
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(root, withPlugin ? 'dist-esbuild-cachet/index.js' : 'dist-esbuild/index.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: ['@cachet/*'],
    logLevel: 'silent',
    plugins: withPlugin ? [cachet(pluginOptions)] : [],
  });
  return performance.now() - started;
}

async function fullBuilds() {
  const rows = [];
  for (const [name, run] of [
    ['Vite 8 (lib build)', viteBuild],
    ['esbuild (bundle)', esbuildBuild],
  ]) {
    await run('none'); // warm the bundler's own module loading
    const without = [];
    const cold = [];
    const warm = [];
    for (let i = 0; i < RUNS; i++) {
      without.push(await run('none'));
      cold.push(await run('cold'));
      warm.push(await run('warm'));
    }
    rows.push({ name, without: median(without), cold: median(cold), warm: median(warm) });
  }
  return rows;
}

async function untaggedCost() {
  const { unplugin } = await import('unplugin-cachet');
  const plugin = unplugin.raw(undefined, { framework: 'rollup', versions: {} });
  const handler = plugin.transform.handler;
  const files = Array.from({ length: FILES - ANNOTATED }, (_, i) => {
    const id = join(root, `src/m${i}.ts`);
    return { id, code: readFileSync(id, 'utf8') };
  });
  const context = { addWatchFile() {}, warn() {}, error() {} };
  const samples = [];
  for (let r = 0; r < Math.max(RUNS, 5) * 4; r++) {
    const started = performance.now();
    for (const { id, code } of files) {
      if (plugin.transform.filter.code.test(code)) handler.call(context, code, id);
    }
    samples.push(performance.now() - started);
  }
  return { all: median(samples), perFile: median(samples) / files.length };
}

async function retransform() {
  const { createCachet } = await import('../../packages/unplugin/dist/core/cachet.js');
  const { resolveOptions } = await import('../../packages/unplugin/dist/core/options.js');
  const cachet = createCachet(resolveOptions({ cacheDir: false }));
  const files = Array.from({ length: ANNOTATED }, (_, i) => join(root, `src/cached${i}.ts`));
  const types = join(root, 'src/types.ts');
  // Every file of the project is in the tsconfig, so the language service loads all 500.
  let started = performance.now();
  cachet.transform(files[0], readFileSync(files[0], 'utf8'));
  const cold = performance.now() - started;
  started = performance.now();
  for (const file of files.slice(1)) cachet.transform(file, readFileSync(file, 'utf8'));
  const warmRest = performance.now() - started;

  const afterType = [];
  const afterSource = [];
  for (let i = 0; i < Math.max(RUNS, 5) * 2; i++) {
    // A type every annotated function uses changes: re-transform one dependent.
    writeFileSync(types, TYPES.replace('size: number;', `size: number;\n  v${i}?: number;`));
    started = performance.now();
    const dependents = cachet.fileChanged(types);
    cachet.transform(files[i % ANNOTATED], readFileSync(files[i % ANNOTATED], 'utf8'));
    afterType.push(performance.now() - started);
    if (dependents.length !== ANNOTATED) throw new Error(`expected ${ANNOTATED} dependents, got ${dependents.length}`);
    // The annotated file itself is edited.
    const file = files[(i + 7) % ANNOTATED];
    const code = readFileSync(file, 'utf8').replace('k + page.offset', `k + page.offset + ${i}`);
    started = performance.now();
    cachet.transform(file, code);
    afterSource.push(performance.now() - started);
  }
  writeFileSync(types, TYPES);
  return { cold, warmRest: warmRest / (ANNOTATED - 1), afterType: median(afterType), afterSource: median(afterSource) };
}

generate();
// The core first, in a process that has not loaded TypeScript yet: the cold start is real.
const edits = await retransform();
const untagged = await untaggedCost();
const builds = await fullBuilds();

console.log(`\n${FILES} files, ${ANNOTATED} annotated; medians of ${RUNS} builds each (Node ${process.version})\n`);
console.log('| build | without the plugin | with it, cold | × | with it, warm (nothing changed) | × |');
console.log('| --- | --- | --- | --- | --- | --- |');
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
for (const row of builds) {
  console.log(
    `| ${row.name} | ${ms(row.without)} | ${ms(row.cold)} | ${ratio(row.cold, row.without)} | ${ms(row.warm)} | ${ratio(row.warm, row.without)} |`,
  );
}
console.log('\n| plugin work | time |');
console.log('| --- | --- |');
console.log(
  `| transform hook on the ${FILES - ANNOTATED} files without the tag | ${ms(untagged.all)} (${(untagged.perFile * 1000).toFixed(2)} µs per file) |`,
);
console.log(
  `| first annotated file in a fresh process (loads TypeScript, starts the language service) | ${ms(edits.cold)} |`,
);
console.log(`| each further annotated file, same build | ${ms(edits.warmRest)} |`);
console.log(`| re-transform after an edit to a type it uses (types.ts) | ${ms(edits.afterType)} |`);
console.log(`| re-transform after an edit to the annotated file itself | ${ms(edits.afterSource)} |`);
