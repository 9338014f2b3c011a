/**
 * Real libraries' own test suites against Cachet: each library is fetched from the npm registry at
 * a pinned version (its tarball ships its tests), every pure function gets a wrapper tagged
 * `@cached storage=memory` built by unplugin-cachet, and the suite runs in one child process three
 * times: against the library itself (a baseline, so a failure there is not Cachet's), then twice
 * against the wrappers. The first cached run fills the cache; the second must pass too and be
 * answered from it. Only the tests in skipped.ts do not run, each for its listed reason.
 *
 * Run: npm run build && npx vitest run test/real-libraries
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { libraries, strftime } from './libraries.js';
import { type Prepared, prepare } from './prepare.js';
import { skipped } from './skipped.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Under the repository, so the built wrappers resolve @cachet/runtime from its node_modules.
const tmp = join(here, '.tmp');

interface FunctionCounts {
  readonly fn: string;
  readonly hits: number;
  readonly misses: number;
  readonly errors: number;
}

interface Failed {
  readonly name: string;
  readonly failures: readonly Record<string, string>[];
}

interface Run {
  readonly label: 'library' | 'miss' | 'hit';
  readonly tests: number;
  readonly assertions: number;
  readonly passedAssertions: number;
  readonly failed: readonly Failed[];
  readonly skipped: readonly string[];
  readonly uncaught: readonly string[];
  /** Package-relative file -> how often a test's require got the wrapper object for it. */
  readonly served: Readonly<Record<string, number>>;
  /** The files the wrapper module swaps. */
  readonly swappable: readonly string[];
  readonly ms: number;
  readonly stats: { readonly hits: number; readonly misses: number; readonly functions: readonly FunctionCounts[] };
}

function runSuite(config: object, name: string, env: Readonly<Record<string, string>>): Promise<Run[]> {
  const configFile = join(tmp, `${name}.config.json`);
  const reportFile = join(tmp, `${name}.report.json`);
  writeFileSync(configFile, JSON.stringify(config));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(here, 'run-suite.cjs'), configFile, reportFile],
      { env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        try {
          const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { runs?: Run[]; error?: string };
          if (report.runs !== undefined) resolve(report.runs);
          else reject(new Error(`${name}: ${report.error}\n${stderr}`));
        } catch {
          reject(error ?? new Error(`${name}: no report\n${stderr}`));
        }
      },
    );
  });
}

/** A wrapper's name from the runtime's function id (`file#name`). */
const shortName = (fn: string) => fn.slice(fn.lastIndexOf('#') + 1);

function countsOf(run: Run): Map<string, FunctionCounts> {
  return new Map(run.stats.functions.map((f) => [shortName(f.fn), f]));
}

interface SecondRun {
  readonly fn: string;
  /** Whether the first run called it without a throw. */
  readonly calledBefore: boolean;
  readonly hits: number;
  /** Calls that ran the function again and returned (a throw is never cached, so it runs again). */
  readonly ranAgain: number;
}

/** Per wrapper: what the second cached run did, from the runtime's cumulative counters. */
function secondRun(miss: Run, hit: Run): SecondRun[] {
  const before = countsOf(miss);
  return [...countsOf(hit)].map(([fn, after]) => {
    const first = before.get(fn) ?? { fn, hits: 0, misses: 0, errors: 0 };
    return {
      fn,
      calledBefore: first.misses + first.hits > first.errors,
      hits: after.hits - first.hits,
      ranAgain: after.misses - first.misses - (after.errors - first.errors),
    };
  });
}

/** One line per failed test, its first failure in brief. */
function failures(run: Run): string[] {
  return run.failed.map((t) => {
    const first = t.failures[0] ?? {};
    const detail = first.error ?? `${first.actual ?? ''} != ${first.expected ?? ''}`;
    return `${t.name}: ${detail.split(' |')[0]?.slice(0, 200)}`;
  });
}

function summary(name: string, prepared: Prepared, runs: readonly Run[]): string {
  const lines = [
    `${name}: ${prepared.tagged.length} functions tagged (${prepared.tagged.join(', ')}), ${prepared.refused.length} refused`,
    ...prepared.refused.map((r) => `  refused ${r.fn}: ${r.message}`),
    ...prepared.warnings.map((w) => `  build warning ${w}`),
  ];
  for (const run of runs) {
    lines.push(
      `  ${run.label}: ${run.tests} tests, ${run.tests - run.failed.length} passed, ${run.failed.length} failed, ` +
        `${run.skipped.length} skipped; ${run.passedAssertions}/${run.assertions} assertions; ` +
        `cache ${run.stats.hits} hits ${run.stats.misses} misses (cumulative); ${run.ms} ms`,
      ...failures(run).map((f) => `    failed ${f}`),
    );
  }
  const [, miss, hit] = runs as [Run, Run, Run];
  lines.push(
    `  second cached run per wrapper: ${secondRun(miss, hit)
      .map((f) => `${f.fn} ${f.hits} hits ${f.ranAgain} ran again`)
      .join(', ')}`,
  );
  return lines.join('\n');
}

mkdirSync(tmp, { recursive: true });

describe.each(libraries.map((lib) => [`${lib.name}@${lib.version}`, lib] as const))('%s', (_, lib) => {
  let prepared: Prepared;
  let library: Run;
  let miss: Run;
  let hit: Run;

  beforeAll(async () => {
    prepared = await prepare(lib, tmp);
    const skips = skipped.filter((s) => s.library === lib.name);
    const config = { packageDir: prepared.packageDir, bundle: prepared.bundle, suite: lib.suite, skips };
    [library, miss, hit] = (await runSuite(config, lib.name, lib.env)) as [Run, Run, Run];
    const text = summary(`${lib.name}@${lib.version}`, prepared, [library, miss, hit]);
    writeFileSync(join(tmp, `${lib.name}.summary.txt`), `${text}\n`);
    console.log(text);
  }, 240_000);

  it('builds every pure function with its tag: none refused', () => {
    expect(prepared.tagged.length + prepared.refused.length).toBe(lib.functions.length);
    expect(prepared.refused).toEqual([]);
  });

  it('passes its own suite against the library itself (the baseline)', () => {
    expect(library.tests).toBeGreaterThan(0);
    expect(failures(library)).toEqual([]);
    expect(library.uncaught).toEqual([]);
  });

  it('runs the same tests against the wrappers, every swapped module reaching the tests', () => {
    expect(miss.tests).toBe(library.tests);
    expect(hit.tests).toBe(library.tests);
    expect(library.served).toEqual({});
    for (const run of [miss, hit]) expect(Object.keys(run.served).sort()).toEqual([...run.swappable].sort());
  });

  it('passes its own suite on the first cached run (misses)', () => {
    expect(failures(miss)).toEqual([]);
    expect(miss.uncaught).toEqual([]);
  });

  it('passes its own suite on the second cached run (hits)', () => {
    expect(failures(hit)).toEqual([]);
    expect(hit.uncaught).toEqual([]);
  });

  it('answers the second run from the cache: every wrapper called hits', () => {
    const second = secondRun(miss, hit);
    expect(second.length).toBeGreaterThan(0);
    for (const f of second) if (f.calledBefore) expect({ fn: f.fn, hit: f.hits > 0 }).toEqual({ fn: f.fn, hit: true });
    // A call runs again when its arguments differ between runs: a function the test creates anew
    // (keyed by identity) or a `new Date()`. Where every argument is data, nothing may run again.
    if (lib.argumentsAreData === true) expect(second.filter((f) => f.ranAgain > 0)).toEqual([]);
  });

  it('skips exactly the listed tests', () => {
    const listed = skipped.filter((s) => s.library === lib.name).map((s) => s.test);
    for (const run of [library, miss, hit])
      expect([...new Set(run.skipped)].sort()).toEqual([...new Set(listed)].sort());
  });
});

describe('the harness', () => {
  it('fails the cached runs when a key leaves out what the result depends on', async () => {
    // strftime keyed without its date: a later call with the same format gets an earlier date's text.
    const wrong = { ...strftime, functions: strftime.functions.map((f) => ({ ...f, options: 'ignore=date' })) };
    const prepared = await prepare(wrong, tmp, 'wrong-key');
    expect(prepared.refused).toEqual([]);
    const config = { packageDir: prepared.packageDir, bundle: prepared.bundle, suite: wrong.suite, skips: [] };
    const [library, miss, hit] = (await runSuite(config, 'strftime-wrong-key', wrong.env)) as [Run, Run, Run];
    expect(library.failed).toEqual([]);
    expect(miss.failed.length).toBeGreaterThan(0);
    expect(hit.failed.length).toBeGreaterThan(0);
  }, 240_000);
});
