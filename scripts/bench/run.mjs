/**
 * `npm run bench`: runs every scenario for Cachet and its peers in one process, then rewrites
 * docs/benchmarks.md and docs/benchmarks.svg. `--smoke` runs each scenario briefly and only
 * checks results (what CI does); `--only <text>` runs the scenarios whose title contains it and
 * prints their report without rewriting the file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configure } from '@cachet/runtime';
import { markdown, svg } from './report.mjs';
import { fidelity } from './scenarios/fidelity.mjs';
import { herd } from './scenarios/herd.mjs';
import { asyncHit, missUnderEviction, numberHit, objectHit } from './scenarios/memory-hits.mjs';
import { memoryPerEntry } from './scenarios/memory-per-entry.mjs';
import { persistent } from './scenarios/persistent.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Each scenario with the words of its titles, so `--only` runs just the ones it names. */
export const scenarios = [
  { about: 'sync hit, one number argument', run: (o) => numberHit(o) },
  { about: 'sync hit, fresh object argument', run: (o) => objectHit(o) },
  { about: 'sync hit, fresh object argument, keys in another order', run: (o) => objectHit({ ...o, reorder: true }) },
  { about: 'async hit, fresh object argument', run: (o) => asyncHit(o) },
  { about: 'miss + store under steady eviction', run: (o) => missUnderEviction(o) },
  { about: 'memory per entry', run: (o) => memoryPerEntry(o) },
  { about: '1000 concurrent cold calls of one key', run: () => herd() },
  { about: 'persistent hit, miss + store to disk, 1 kb value', run: (o) => persistent(o) },
  { about: 'persistent hit, miss + store to disk, 100 kb value', run: (o) => persistent({ ...o, bytes: 100 * 1024 }) },
  { about: 'value fidelity', run: () => fidelity() },
];

export async function runAll({ smoke = false, only } = {}) {
  configure({ memory: { maxEntries: 10_000 } });
  const wanted = (text) => only === undefined || text.toLowerCase().includes(only.toLowerCase());
  const results = [];
  for (const { about, run } of scenarios) {
    if (!wanted(about)) continue;
    for (const result of [await run({ smoke })].flat()) {
      if (!wanted(result.title)) continue;
      results.push(result);
      if (!smoke) process.stderr.write(`done: ${result.title}\n`);
    }
  }
  return results;
}

/**
 * Benchmarks that run as their own scripts (they start servers or build projects): their
 * printed tables go into the report as they are.
 */
const scripts = [
  { title: 'SQLite tier against raw better-sqlite3 and node:sqlite (detail)', file: 'sqlite-tier.mjs' },
  { title: 'Redis tier, herd across processes and fleets', file: 'redis-tier.mjs' },
  // Vite, esbuild and webpack on a 500- and a 5000-module app, each build in a fresh process.
  { title: 'Build time with and without the bundler plugin', file: 'build-time.mjs', minutes: 45 },
];

/** A failure's text as the report may show it: paths relative to the repository, node as `node`. */
function local(text) {
  return text.replaceAll(process.execPath, 'node').replaceAll(pathToFileURL(root).href, '.').replaceAll(`${root}/`, '');
}

function runScript(file, minutes = 10) {
  return new Promise((resolve) => {
    const path = join(root, 'scripts/bench', file);
    if (!existsSync(path)) return resolve(undefined);
    execFile(
      process.execPath,
      [path],
      { cwd: root, timeout: minutes * 60_000, maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) =>
        resolve(
          error ? local(`failed: ${String(error.message).split('\n')[0]}\n${stderr.slice(-2000)}`) : stdout.trim(),
        ),
    );
  });
}

export async function runScripts(only) {
  const results = [];
  for (const { title, file, minutes } of scripts) {
    if (only !== undefined && !title.toLowerCase().includes(only.toLowerCase())) continue;
    const output = await runScript(file, minutes);
    if (output === undefined) continue;
    results.push({ title, kind: 'text', text: output, command: `node scripts/bench/${file}` });
    process.stderr.write(`done: ${title}\n`);
  }
  return results;
}

function versions() {
  // The peers live in scripts/bench/node_modules (their own install), the rest at the root.
  const read = (name) => {
    const local = join(root, 'scripts/bench/node_modules', name, 'package.json');
    const file = existsSync(local) ? local : join(root, 'node_modules', name, 'package.json');
    return JSON.parse(readFileSync(file, 'utf8')).version;
  };
  const names = [
    'memoizee',
    'moize',
    'p-memoize',
    'lru-cache',
    'async-cache-dedupe',
    'bentocache',
    'cacheable',
    'keyv',
    '@keyv/sqlite',
    '@keyv/redis',
    'cacache',
    'better-sqlite3',
    'ioredis',
    'xxhash-wasm',
    'typescript',
    'vite',
    'esbuild',
    'webpack',
  ];
  return {
    node: process.version,
    '@cachet/runtime': read('@cachet/runtime'),
    ...Object.fromEntries(names.map((n) => [n, read(n)])),
  };
}

function machine() {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const smoke = args.includes('--smoke');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt === -1 ? undefined : args[onlyAt + 1];
  const results = await runAll({ smoke, only });
  if (!smoke) results.push(...(await runScripts(only)));
  const bad = results.flatMap((r) =>
    (r.rows ?? []).filter((row) => row.correct === false).map((row) => `${r.title}: ${row.name}`),
  );
  const report = { machine: machine(), versions: versions(), results, date: new Date().toISOString().slice(0, 10) };
  if (smoke) {
    console.log(
      bad.length === 0 ? 'bench smoke: every scenario returned correct values' : `wrong values:\n${bad.join('\n')}`,
    );
  } else if (only !== undefined) {
    console.log(markdown(report)); // a partial run never rewrites the report
  } else {
    writeFileSync(join(root, 'docs/benchmarks.md'), markdown(report));
    writeFileSync(join(root, 'docs/benchmarks.svg'), svg(report));
    console.log(markdown(report));
  }
  process.exit(bad.length === 0 ? 0 : 1);
}
