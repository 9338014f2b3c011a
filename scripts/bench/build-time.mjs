// What unplugin-cachet costs a build. For each app size (`--files 500,5000`: modules, 4% of them
// with a @cached function; under .tmp/, git-ignored) it generates a TypeScript project whose
// modules import each other (in chains of 50) and whose tagged modules use shared type files and
// a module of a chain, then measures:
//   1. full builds with Vite, esbuild and webpack, each in a fresh process (Node and the bundler
//      already loaded, the clock around the build call): without the plugin; with it cold (its
//      persistent transform cache removed: TypeScript is loaded and a program built); warm (the
//      cache of the previous build kept, nothing changed: TypeScript is not loaded); and after
//      one type edit (types.ts, which every tagged module uses, gains a field); and the floor under
//      a warm build (Vite and esbuild): the cached outputs served from memory by a plugin that does
//      nothing else, i.e. what the bundler pays for the generated code itself;
//   2. the analysis of each tagged file in a fresh process: the first one (loads TypeScript,
//      builds the program), then the median, p95 and max of the others;
//   3. the transform hook on the files without the tag, and re-transforming a tagged file after
//      an edit to a type it uses, in a warm plugin (watch mode, HMR).
// Medians of `--runs` (default 5; 3 for apps over 1000 modules), and three times as many of the
// builds without the plugin, warm and floor under Vite and esbuild. `--cpu` prints the CPU time of
// the build's process instead of the time on the clock, for a machine busy with other work (it
// leaves out esbuild's own process, so esbuild's rows count only the plugin's side).
// Usage: npm run build && node scripts/bench/build-time.mjs [--runs 5] [--files 500,5000] [--cpu]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const repo = join(dirname(self), '../..');
const arg = (name) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const CPU = process.argv.includes('--cpu');
const rootOf = (files) => join(repo, `.tmp/bench-build-${files}`);
const annotatedOf = (files) => Math.max(1, Math.round(files * 0.04));
/** The plugin's persistent transform cache for the benchmark's builds. */
const cacheDirOf = (root) => join(root, '.cachet-transform');

const median = (values) => quantile(values, 0.5);
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
}
const ms = (value) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

/**
 * Plain modules import the one before them in chains of 50: deep enough to make the tagged files'
 * programs large, shallow enough for TypeScript, whose program construction recurses once per
 * import level (a 5000-deep chain overflows the stack, in tsc too).
 */
const CHAIN = 50;

function plainModule(i) {
  const first = i % CHAIN === 0;
  const dep = first ? '' : `import { value${i - 1} } from './m${i - 1}.js';\n`;
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

export const value${i}: number = ${first ? '0' : `value${i - 1} + 1`};
`;
}

/** A tagged module: shared types, and a shape of a plain module somewhere in the import chain. */
function annotatedModule(i, shape) {
  return `import type { Filter, Page } from './types.js';
import type { Shape${shape} } from './m${shape}.js';

/**
 * Finds the items of one page.
 * @cached ttl=10m storage=memory
 */
export async function find${i}(filter: Filter, page: Page): Promise<{ ids: number[]; total: number }> {
  const ids = Array.from({ length: page.size }, (_, k) => k + page.offset + ${i});
  return { ids: ids.filter((id) => filter.kinds.length > 0 || id > 0), total: ids.length };
}

/** @cached ttl=1m storage=memory */
export function rank${i}(shape: Shape${shape}, weights: Record<string, number>): number {
  return shape.nested.score * (weights[shape.name] ?? 1);
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

function generate(files) {
  const root = rootOf(files);
  const annotated = annotatedOf(files);
  const plain = files - annotated;
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
  for (let i = 0; i < plain; i++) {
    writeFileSync(join(root, `src/m${i}.ts`), plainModule(i));
    imports.push(`export * from './m${i}.js';`);
  }
  for (let i = 0; i < annotated; i++) {
    writeFileSync(join(root, `src/cached${i}.ts`), annotatedModule(i, Math.floor((i * plain) / annotated)));
    imports.push(`export * from './cached${i}.js';`);
  }
  writeFileSync(join(root, 'src/index.ts'), `${imports.join('\n')}\n`);
}

// --- one build, in a child process -----------------------------------------------------------

const builders = {
  async vite(root, plugins) {
    const { build } = await import('vite');
    return () =>
      build({
        root,
        configFile: false,
        logLevel: 'silent',
        plugins,
        build: {
          lib: { entry: join(root, 'src/index.ts'), formats: ['es'], fileName: 'index' },
          outDir: join(root, 'dist-vite'),
          emptyOutDir: true,
          minify: false,
          rollupOptions: { external: [/^@cachet\//] },
        },
      });
  },
  async esbuild(root, plugins) {
    const { build } = await import('esbuild');
    return () =>
      build({
        entryPoints: [join(root, 'src/index.ts')],
        outfile: join(root, 'dist-esbuild/index.js'),
        bundle: true,
        format: 'esm',
        platform: 'node',
        external: ['@cachet/*'],
        logLevel: 'silent',
        plugins,
      });
  },
  async webpack(root, plugins) {
    const { default: webpack } = await import('webpack');
    const compiler = webpack({
      mode: 'none',
      context: root,
      entry: join(root, 'src/index.ts'),
      target: 'node22',
      output: { path: join(root, 'dist-webpack'), filename: 'index.js', module: true, library: { type: 'module' } },
      experiments: { outputModule: true },
      externalsType: 'module',
      externals: [/^@cachet\//],
      resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
      module: { rules: [{ test: /\.ts$/, loader: join(repo, 'scripts/strip-types-loader.mjs') }] },
      plugins,
      optimization: { minimize: false },
      infrastructureLogging: { level: 'none' },
    });
    return () =>
      new Promise((resolve, reject) =>
        compiler.run((error, stats) =>
          error || stats.hasErrors() ? reject(error ?? new Error(String(stats.compilation.errors[0]))) : resolve(),
        ),
      );
  },
};

/**
 * The floor under a warm build: the outputs the plugin's cache holds, served from memory by a
 * plugin that does nothing else. What is left between it and the build without the plugin is the
 * bundler's work on the generated code (and, for Vite, its source maps).
 */
function floorPlugin(bundler, files) {
  const root = rootOf(files);
  const outputs = new Map();
  const dir = cacheDirOf(root);
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const entry = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    // The code alone, as the plugin hands it to these builds, which write no source map.
    if (entry.value?.output !== undefined) outputs.set(entry.fileName, { code: entry.value.output.code });
  }
  if (outputs.size !== annotatedOf(files)) throw new Error('run a warm build first');
  if (bundler === 'esbuild') {
    return {
      name: 'floor',
      setup(build) {
        build.onLoad({ filter: /[\\/]cached\d+\.ts$/ }, (args) => {
          const output = outputs.get(args.path.replace(/\\/g, '/'));
          return output && { contents: output.code, loader: 'ts' };
        });
      },
    };
  }
  // A hook filter as the plugin's own: only the tagged files cross from the bundler to Node.
  return {
    name: 'floor',
    enforce: 'pre',
    transform: {
      filter: { id: /[\\/]cached\d+\.ts$/ },
      handler: (_code, id) => outputs.get(id.replace(/[?#].*$/, '')) ?? null,
    },
  };
}

async function childBuild(bundler, mode, files) {
  const root = rootOf(files);
  const cachet = (await import(`unplugin-cachet/${bundler}`)).default;
  const plugins =
    mode === 'none' ? [] : mode === 'floor' ? [floorPlugin(bundler, files)] : [cachet({ cacheDir: cacheDirOf(root) })];
  const run = await builders[bundler](root, plugins);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

/**
 * What loading costs a fresh process, before any build: the bundler's import, then the plugin's
 * (which a build's own time leaves out, and every build process pays).
 */
async function childImport(bundler) {
  const started = performance.now();
  await import(bundler);
  const loaded = performance.now();
  await import(`unplugin-cachet/${bundler}`);
  return { bundler: loaded - started, plugin: performance.now() - loaded };
}

/** Each tagged file through the plugin's core in order, in a process that has not loaded TypeScript. */
async function childAnalysis(files) {
  const root = rootOf(files);
  const { createCachet } = await import('unplugin-cachet/core');
  const { resolveOptions } = await import('unplugin-cachet/core');
  const cachet = createCachet(resolveOptions({ cacheDir: false }));
  const tagged = Array.from({ length: annotatedOf(files) }, (_, i) => join(root, `src/cached${i}.ts`));
  const clock = () => {
    if (!CPU) return performance.now();
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  const times = tagged.map((file) => {
    const code = readFileSync(file, 'utf8');
    const started = clock();
    cachet.transform(file, code);
    return clock() - started;
  });
  // A type every tagged function uses changes, as in watch mode: re-transform one dependent.
  const types = join(root, 'src/types.ts');
  writeFileSync(types, TYPES.replace('size: number;', 'size: number;\n  v?: number;'));
  let started = clock();
  const dependents = cachet.fileChanged(types);
  cachet.transform(tagged[1], readFileSync(tagged[1], 'utf8'));
  const afterType = clock() - started;
  writeFileSync(types, TYPES);
  cachet.fileChanged(types);
  if (dependents.length !== tagged.length)
    throw new Error(`expected ${tagged.length} dependents, got ${dependents.length}`);
  const code = readFileSync(tagged[2], 'utf8').replace('k + page.offset', 'k + page.offset + 1');
  started = clock();
  cachet.transform(tagged[2], code);
  const afterSource = clock() - started;
  return { first: times[0], rest: times.slice(1), afterType, afterSource };
}

function inChild(...args) {
  const stdout = execFileSync(process.execPath, [self, '--child', ...args, ...(CPU ? ['--cpu'] : [])], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 2 ** 24,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

// --- the parent: every measurement, side by side ---------------------------------------------

async function untaggedCost(files) {
  const root = rootOf(files);
  const { unplugin } = await import('unplugin-cachet');
  const plugin = unplugin.raw(undefined, { framework: 'rollup', versions: {} });
  const handler = plugin.transform.handler;
  const plain = Array.from({ length: files - annotatedOf(files) }, (_, i) => {
    const id = join(root, `src/m${i}.ts`);
    return { id, code: readFileSync(id, 'utf8') };
  });
  const context = { addWatchFile() {}, warn() {}, error() {} };
  const samples = [];
  for (let r = 0; r < 20; r++) {
    const started = performance.now();
    for (const { id, code } of plain) {
      if (plugin.transform.filter.code.test(code)) handler.call(context, code, id);
    }
    samples.push(performance.now() - started);
  }
  return { count: plain.length, all: median(samples), perFile: median(samples) / plain.length };
}

function measure(files, runs) {
  const root = rootOf(files);
  const types = join(root, 'src/types.ts');
  const rows = [];
  for (const bundler of Object.keys(builders)) {
    inChild(bundler, 'none', files); // the file system cache, once
    const imports = Array.from({ length: runs }, () => inChild('import', bundler));
    const times = { none: [], cold: [], warm: [], floor: [], edit: [] };
    const time = (result) => (CPU ? result.cpu : result.ms);
    for (let r = 0; r < runs; r++) {
      times.none.push(time(inChild(bundler, 'none', files)));
      rmSync(cacheDirOf(root), { recursive: true, force: true });
      times.cold.push(time(inChild(bundler, 'cold', files)));
      times.warm.push(time(inChild(bundler, 'warm', files)));
      if (bundler !== 'webpack') times.floor.push(time(inChild(bundler, 'floor', files)));
      writeFileSync(types, TYPES.replace('size: number;', `size: number;\n  edited${r}?: number;`));
      times.edit.push(time(inChild(bundler, 'edit', files)));
      writeFileSync(types, TYPES);
    }
    // The warm ratio is the one closest to 1: twice as many more rounds of the builds it compares
    // (cheap ones, except under webpack), interleaved, so a busy moment moves one sample of many.
    inChild(bundler, 'warm', files); // the cache of the edited types, made current again
    for (let r = 0; bundler !== 'webpack' && r < 2 * runs; r++) {
      times.none.push(time(inChild(bundler, 'none', files)));
      times.warm.push(time(inChild(bundler, 'warm', files)));
      times.floor.push(time(inChild(bundler, 'floor', files)));
    }
    rows.push({
      bundler,
      importBundler: median(imports.map((i) => i.bundler)),
      importPlugin: median(imports.map((i) => i.plugin)),
      ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.length === 0 ? undefined : median(v)])),
    });
  }
  const analyses = Array.from({ length: runs }, () => inChild('analysis', files));
  const rest = (f) => median(analyses.map((a) => f(a.rest)));
  const analysis = {
    first: median(analyses.map((a) => a.first)),
    median: rest((values) => median(values)),
    p95: rest((values) => quantile(values, 0.95)),
    max: rest((values) => Math.max(...values)),
    afterType: median(analyses.map((a) => a.afterType)),
    afterSource: median(analyses.map((a) => a.afterSource)),
  };
  return { rows, analysis };
}

const NAMES = { vite: 'Vite 8 (lib build)', esbuild: 'esbuild (bundle)', webpack: 'webpack 5 (esbuild loader)' };

async function main() {
  const sizes = (arg('--files') ?? '500,5000').split(',').map(Number);
  const what = CPU ? 'CPU time of the build process' : 'time on the clock';
  console.log(`Node ${process.version}; each build in a fresh process; ${what}\n`);
  for (const files of sizes) {
    const runs = Number(arg('--runs') ?? (files > 1000 ? 3 : 5));
    const annotated = annotatedOf(files);
    generate(files);
    const { rows, analysis } = measure(files, runs);
    const untagged = await untaggedCost(files);
    console.log(
      `${files} modules, ${annotated} of them with two @cached functions; medians of ${runs} builds ` +
        `(of ${3 * runs} without the plugin, warm and floor under Vite and esbuild, interleaved)\n`,
    );
    console.log(
      '| build | without the plugin | cold | × | warm (nothing changed) | × | floor under warm | × | after one type edit | × |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of rows) {
      const cells = [row.cold, row.warm, row.floor, row.edit].map((value) =>
        value === undefined ? '— | —' : `${ms(value)} | ${ratio(value, row.none)}`,
      );
      console.log(`| ${NAMES[row.bundler]} | ${ms(row.none)} | ${cells.join(' | ')} |`);
    }
    console.log('\n| plugin work | time |');
    console.log('| --- | --- |');
    console.log(
      `| first tagged file in a fresh process (loads TypeScript, builds the program) | ${ms(analysis.first)} |`,
    );
    console.log(
      `| each further tagged file: median / p95 / max | ${ms(analysis.median)} / ${ms(analysis.p95)} / ${ms(analysis.max)} |`,
    );
    console.log(
      `| transform hook on the ${untagged.count} files without the tag | ${ms(untagged.all)} (${(untagged.perFile * 1000).toFixed(2)} µs per file) |`,
    );
    console.log(`| re-transform after an edit to a type it uses (types.ts), watch mode | ${ms(analysis.afterType)} |`);
    console.log(`| re-transform after an edit to the tagged file itself, watch mode | ${ms(analysis.afterSource)} |`);
    const loads = rows.map(
      (row) => `${NAMES[row.bundler].split(' (')[0]} ${ms(row.importPlugin)} (the bundler ${ms(row.importBundler)})`,
    );
    console.log(
      `| loading the plugin in a fresh process, before the build (not in the build times above) | ${loads.join('; ')} |\n`,
    );
  }
}

if (process.argv[2] === '--child') {
  const [kind, ...rest] = process.argv.slice(3);
  if (kind === 'generate') generate(Number(rest[0]));
  else {
    const result =
      kind === 'analysis'
        ? await childAnalysis(Number(rest[0]))
        : kind === 'import'
          ? await childImport(rest[0])
          : await childBuild(kind, rest[0], Number(rest[1]));
    console.log(JSON.stringify(result));
  }
} else {
  await main();
}
