import { chmodSync } from 'node:fs';
import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';

// The tests Stryker runs for each mutant (`npm run test:mutation`): the runtime's and the
// compiler's own, which import their sources; the cross-package tests run built code instead.

// Stryker's sandbox (the copy of the project it mutates, the working directory here) is made
// private to its owner; a test that runs a child process as another user (the read-only cache
// directory, when the tests run as root) has to be let in to find its script.
if (basename(process.cwd()).startsWith('sandbox-')) chmodSync(process.cwd(), 0o755);

// CACHET_MUTATION_TESTS (comma-separated globs) narrows the tests to a part's own, for a scoped run
// on a busy machine: every test goes through the key and, with the default storage, SQLite, so a
// mutant there is otherwise run against nearly all of them. The score is then that of those tests.
const only = process.env.CACHET_MUTATION_TESTS?.split(',').filter((glob) => glob !== '');

export default defineConfig({
  test: {
    include:
      only !== undefined && only.length > 0
        ? only
        : ['packages/runtime/test/**/*.test.ts', 'packages/compiler/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
