// Runs one library's own test suite three times in this process: once against the library itself
// (the baseline: what fails here is not Cachet's doing), then twice against the cached wrappers
// (the first run fills the cache, the second is answered from it). Writes one JSON report.
//
// usage: node run-suite.cjs <config.json> <report.json>
// config: { packageDir, bundle, suite, skips: [{ test, reason }] }
'use strict';

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const [configFile, reportFile] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
const { packageDir, bundle, suite, skips } = config;
const wrappers = require(bundle);

/** While set, a test's `require` of a library file gets the wrapper module's object for it. */
let aliases = null;
/** How often each alias was handed out in the current run (a swap that never happens proves nothing). */
let served = {};
const originalLoad = Module._load;
Module._load = function load(...args) {
  const [request, parent, isMain] = args;
  if (aliases !== null && parent && parent.filename !== bundle) {
    const file = Module._resolveFilename(request, parent, isMain);
    const relative = path.relative(packageDir, file).split(path.sep).join('/');
    if (Object.hasOwn(aliases, relative)) {
      served[relative] = (served[relative] ?? 0) + 1;
      return aliases[relative];
    }
  }
  return originalLoad.apply(this, args);
};

/** Forget the suite's own files so the next run evaluates them (and their requires) again. */
const suiteDirs = (suite.kind === 'tape' ? suite.files : [suite.file]).map((f) =>
  path.dirname(path.join(packageDir, f)),
);
function forgetSuite() {
  for (const key of Object.keys(require.cache)) {
    if (suiteDirs.includes(path.dirname(key))) delete require.cache[key];
  }
}

/** Tests registered so far in this run, per full name (for skips naming one of several). */
let seen = new Map();
function skipReason(name) {
  const occurrence = (seen.get(name) ?? 0) + 1;
  seen.set(name, occurrence);
  const skip = skips.find((s) => s.test === name && (s.occurrence === undefined || s.occurrence === occurrence));
  return skip === undefined ? undefined : skip.reason;
}

/** One run of tape test files with a fresh harness; skipped tests (by full name) do not run. */
function runTape(files) {
  const tape = require('tape');
  const Test = require('tape/lib/test');
  const harness = tape.createHarness();
  const rows = [];
  const names = new Map();
  const skipped = [];
  harness.createStream({ objectMode: true }).on('data', (row) => {
    rows.push(row);
    if (row.type === 'test') progress.current = row.name;
  });

  // Full names: "top > sub > subsub". Skip by full name, for top-level tests and subtests alike.
  const originalSubtest = Test.prototype.test;
  const withSkip = (prefix, register) =>
    function (...args) {
      const [name] = args;
      const full = prefix(this) === '' ? name : `${prefix(this)} > ${name}`;
      const reason = skipReason(full);
      if (reason !== undefined) {
        skipped.push(full);
        return undefined;
      }
      return register.apply(this, args);
    };
  Test.prototype.test = withSkip((t) => names.get(t) ?? t.name, originalSubtest);
  const originalRun = Test.prototype.run;
  // tape does not catch a throw from a test body, and its queue stops there: fail and end the test.
  Test.prototype.run = function run(...args) {
    progress.test = this;
    try {
      return originalRun.apply(this, args);
    } catch (error) {
      threw(this, error);
      return undefined;
    }
  };
  const originalEmit = Test.prototype.emit;
  Test.prototype.emit = function emit(...args) {
    const [event, child] = args;
    if (event === 'test' && child instanceof Test) names.set(child, `${names.get(this) ?? this.name} > ${child.name}`);
    return originalEmit.apply(this, args);
  };
  const test = withSkip(() => '', harness);
  Object.assign(test, harness);

  // A test waiting for assertions that never come (a plan a cached call did not meet) would end
  // the process: when nothing else is left to do, fail and end the test that ran last.
  const onStall = () => {
    if (progress.test !== undefined && !progress.test.ended) {
      threw(progress.test, new Error('never ended: the assertions it waits for did not come'));
    }
  };
  process.on('beforeExit', onStall);

  return new Promise((resolve) => {
    harness.onFinish(() => {
      process.off('beforeExit', onStall);
      Test.prototype.test = originalSubtest;
      Test.prototype.emit = originalEmit;
      Test.prototype.run = originalRun;
      resolve(tapeOutcome(rows, skipped));
    });
    const originalTape = require.cache[require.resolve('tape')];
    const exported = originalTape.exports;
    originalTape.exports = test;
    try {
      for (const file of files) require(path.join(packageDir, file));
    } finally {
      originalTape.exports = exported;
    }
  });
}

function threw(t, error) {
  const stack = String(error?.stack).split('\n').slice(0, 4).join(' | ');
  if (!t.ended) {
    t.fail(`threw ${stack}`);
    t.end();
  }
}

function tapeOutcome(rows, skipped) {
  const tests = new Map();
  for (const row of rows) {
    if (row.type === 'test') {
      const parent = row.parent === undefined ? undefined : tests.get(row.parent);
      tests.set(row.id, { name: parent === undefined ? row.name : `${parent.name} > ${row.name}`, failures: [] });
    } else if (row.type === 'assert' && !row.ok && !row.skip && !row.todo) {
      const failure = { assertion: row.name, operator: row.operator };
      if (row.error !== undefined) failure.error = String(row.error?.stack ? row.error.message : row.error);
      failure.actual = preview(row.actual);
      failure.expected = preview(row.expected);
      tests.get(row.test).failures.push(failure);
    }
  }
  const asserts = rows.filter((r) => r.type === 'assert');
  const all = [...tests.values()];
  return {
    tests: all.length,
    assertions: asserts.length,
    passedAssertions: asserts.filter((r) => r.ok).length,
    failed: all.filter((t) => t.failures.length > 0).map((t) => ({ name: t.name, failures: t.failures.slice(0, 3) })),
    skipped,
  };
}

function preview(value) {
  try {
    const text = require('node:util').inspect(value, { depth: 4, breakLength: Infinity });
    return text.length > 300 ? `${text.slice(0, 300)}...` : text;
  } catch {
    return '<uninspectable>';
  }
}

/**
 * One run of a plain assert script: every `assert.equal` is one test, named by its message; a
 * failure is recorded and the script goes on.
 */
function runAssertScript(file, argv) {
  const assert = require('node:assert');
  const originalEqual = assert.equal;
  const originalArgv = process.argv;
  const originalLog = console.log;
  let tests = 0;
  const failed = [];
  const skipped = [];
  assert.equal = (actual, expected, message) => {
    const name = typeof message === 'string' ? message.replace(/ is ".*$/, '') : String(message);
    if (skipReason(name) !== undefined) {
      skipped.push(name);
      return;
    }
    tests++;
    // biome-ignore lint/suspicious/noDoubleEquals: assert.equal's own comparison is loose equality
    if (actual != expected) failed.push({ name, failures: [{ actual: preview(actual), expected: preview(expected) }] });
  };
  process.argv = [process.argv[0], path.join(packageDir, file), ...argv.map((a) => path.join(packageDir, a))];
  console.log = () => {};
  try {
    require(path.join(packageDir, file));
  } catch (error) {
    failed.push({ name: `${file} threw`, failures: [{ error: String(error?.stack) }] });
  } finally {
    assert.equal = originalEqual;
    process.argv = originalArgv;
    console.log = originalLog;
  }
  return { tests, assertions: tests, passedAssertions: tests - failed.length, failed, skipped };
}

async function run(label, withWrappers) {
  progress.run = label;
  seen = new Map();
  served = {};
  forgetSuite();
  aliases = withWrappers ? wrappers.modules : null;
  const started = process.hrtime.bigint();
  const uncaught = [];
  // A throw from a test's callback: recorded against the test running then, which it ends.
  const onUncaught = (error) => {
    uncaught.push(`${progress.current}: ${String(error?.stack)}`);
    if (progress.test !== undefined) threw(progress.test, error);
  };
  process.on('uncaughtException', onUncaught);
  try {
    const outcome = suite.kind === 'tape' ? await runTape(suite.files) : runAssertScript(suite.file, suite.argv);
    const stats = wrappers.stats();
    return {
      label,
      ...outcome,
      served,
      swappable: Object.keys(wrappers.modules),
      uncaught,
      ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      stats: {
        hits: stats.hits,
        misses: stats.misses,
        errors: stats.errors,
        functions: stats.functions.map((f) => ({ fn: f.fn, hits: f.hits, misses: f.misses, errors: f.errors })),
      },
    };
  } finally {
    process.off('uncaughtException', onUncaught);
    aliases = null;
  }
}

/** Where the suite was, for a report when it stops without finishing (a test that never ends). */
const progress = { run: '', current: '', test: undefined };
process.on('exit', () => {
  if (!fs.existsSync(reportFile)) {
    const error = `the ${progress.run} run stopped without finishing, in test "${progress.current}"`;
    fs.writeFileSync(reportFile, JSON.stringify({ error }));
    process.exitCode = 1;
  }
});

(async () => {
  fs.rmSync(reportFile, { force: true });
  const runs = [];
  runs.push(await run('library', false));
  runs.push(await run('miss', true));
  runs.push(await run('hit', true));
  fs.writeFileSync(reportFile, JSON.stringify({ runs }, null, 2));
})().catch((error) => {
  fs.writeFileSync(reportFile, JSON.stringify({ error: String(error?.stack) }));
  process.exitCode = 1;
});
