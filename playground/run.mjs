#!/usr/bin/env node
// npm run playground: builds the playground each way (tsc + ts-patch, Vite, esbuild, webpack; and
// register, which loads the sources with `node --import @cachet/register` and needs no build),
// then runs each build twice on its own cache directory, cold (empty) and warm (what the first
// run stored), and compares them.
//
//   node playground/run.mjs [tsc] [vite] [esbuild] [webpack] [register]   (default: all available)
//
// Caches go under $CACHET_DIR/<build>/ when CACHET_DIR is set, else playground/.cachet/<build>/.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { builds, pluginReady } from './builds.mjs';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.CACHET_DIR ? resolve(process.env.CACHET_DIR) : join(here, '.cachet');
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !builds.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`unknown build ${unknown.join(', ')}; builds: ${builds.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const results = [];
let failed = false;
for (const { name, plugin, build } of builds) {
  if (asked.length > 0 && !asked.includes(name)) continue;
  if (plugin !== undefined && !pluginReady(plugin)) {
    console.log(`\n== ${name}: skipped, unplugin-cachet/${plugin} is not built (npm run build)`);
    continue;
  }
  console.log(`\n== ${name} build`);
  const started = performance.now();
  let main;
  try {
    main = await build();
  } catch (error) {
    console.error(`${name} build failed: ${error.message}`);
    failed = true;
    continue;
  }
  const buildMs = performance.now() - started;
  const dir = join(base, name);
  rmSync(dir, { recursive: true, force: true });
  const cold = await once(main, name, dir, 'cold');
  const warm = await once(main, name, dir, 'warm');
  results.push({ name, buildMs, cold, warm, dir });
}

if (results.length > 0) summary(results);
process.exitCode = failed ? 1 : 0;

/** Runs the built service once in a new process; prints its report, returns its JSON line. */
async function once(main, name, dir, label) {
  const start = typeof main === 'string' ? { args: [main], env: {} } : main;
  const env = { ...process.env, ...start.env, CACHET_DIR: dir, PLAYGROUND_BUILD: name };
  const { stdout, stderr } = await run(process.execPath, start.args, { env });
  const lines = stdout.trimEnd().split('\n');
  const data = JSON.parse(lines.pop()).playground;
  console.log(`\n-- ${label} run\n${lines.join('\n')}`);
  if (stderr.trim() !== '') console.log(stderr.trimEnd());
  return data;
}

function summary(rows) {
  const ms = (n) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`);
  const joins = (r) => r.functions.reduce((sum, f) => sum + f.herdJoins, 0);
  const table = [
    ['build', 'build time', 'cold run', 'warm run', 'speed-up', 'remote calls', 'herd joins'],
    ...rows.map((r) => [
      r.name,
      ms(r.buildMs),
      ms(r.cold.total),
      ms(r.warm.total),
      `${(r.cold.total / r.warm.total).toFixed(0)}x`,
      `${r.cold.remoteCalls} -> ${r.warm.remoteCalls}`,
      `${joins(r.cold)} / ${joins(r.warm)}`,
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  console.log('\n== cold vs warm (time inside the process, startup excluded)');
  for (const row of table)
    console.log(`  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   ')}`);
  const first = relative(process.cwd(), rows[0].dir) || '.';
  console.log(`\nLook inside: npm run cachet -- stats --dir ${first}   (or: npm run cachet -- serve --dir ${first})`);
}
