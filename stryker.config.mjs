// Mutation testing (`npm run test:mutation`): small deliberate bugs in the runtime and in the
// compiler's code generators, each run against their tests; a mutant no test notices is a gap in
// the tests. Slow (hours on 2 cores): scope it with `--mutate <file>` while working on one module.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [
    'packages/runtime/src/**/*.ts',
    '!packages/runtime/src/**/*.browser.ts',
    'packages/compiler/src/generate/**/*.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.tmp/mutation/report.html' },
  jsonReporter: { fileName: '.tmp/mutation/report.json' },
  tempDirName: '.tmp/stryker',
  cleanTempDir: true,
};
