#!/usr/bin/env node
/**
 * The long run of the keys differential property (test/keys/differential.test.ts): the same
 * properties as `npm test`, with a fresh random seed per round and many more runs, for N minutes.
 * Every failure is printed with its counterexample and the seed that reproduces it.
 *
 *   node scripts/fuzz-keys.mjs --minutes 60            rounds of random seeds for an hour
 *   node scripts/fuzz-keys.mjs --seed 123456 --runs 2000   one round, reproducing a seed
 *   node scripts/fuzz-keys.mjs --shapes Date,Map       only shapes/families whose name contains these
 *
 * Build first (`npx tsc -b tsconfig.build.json`): the compiled shapes import @cachet/runtime.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    runs: { type: 'string', default: '1000' },
    shapes: { type: 'string' },
  },
});

const deadline = Date.now() + Number(values.minutes) * 60_000;
/** Distinct failing properties: name -> { seed, message } of the first failure seen. */
const failures = new Map();
let rounds = 0;

do {
  const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
  rounds++;
  console.log(`round ${rounds}: seed ${seed}, ${values.runs} runs per property`);
  for (const result of runRound(seed)) {
    if (result.status !== 'failed') continue;
    const message = result.failureMessages.join('\n').split('\n    at ')[0];
    const fresh = !failures.has(result.fullName);
    if (fresh) failures.set(result.fullName, { seed, message });
    console.log(`  ${fresh ? 'NEW ' : ''}FAIL ${result.fullName}\n    ${message.replace(/\n/g, '\n    ')}`);
  }
} while (values.seed === undefined && Date.now() < deadline);

console.log(`\n${rounds} round(s); ${failures.size} distinct failing propert${failures.size === 1 ? 'y' : 'ies'}`);
for (const [name, { seed, message }] of failures) {
  console.log(
    `\n${name}\n  reproduce: node scripts/fuzz-keys.mjs --seed ${seed} --runs ${values.runs}${values.shapes === undefined ? '' : ` --shapes '${values.shapes}'`}\n  ${message.replace(/\n/g, '\n  ')}`,
  );
}
process.exitCode = failures.size === 0 ? 0 : 1;

/** One vitest run of the differential test with this seed; its per-test results. */
function runRound(seed) {
  const dir = mkdtempSync(join(tmpdir(), 'cachet-fuzz-'));
  const report = join(dir, 'report.json');
  const remaining = Math.max(60_000, deadline - Date.now());
  try {
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        'test/keys/differential.test.ts',
        '--reporter=json',
        `--outputFile=${report}`,
        `--testTimeout=${remaining}`,
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          FUZZ_SEED: seed,
          FUZZ_RUNS: values.runs,
          ...(values.shapes === undefined ? {} : { FUZZ_SHAPES: values.shapes }),
        },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    let parsed;
    try {
      parsed = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      console.error(`vitest produced no report (exit ${run.status}):\n${run.stderr.slice(-4000)}`);
      process.exit(2);
    }
    return parsed.testResults.flatMap((file) => file.assertionResults);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
