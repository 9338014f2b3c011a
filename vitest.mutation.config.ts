import { chmodSync } from 'node:fs';
import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';

// The tests Stryker runs for each mutant (`npm run test:mutation`): the runtime's and the
// compiler's own, which import their sources; the cross-package tests run built code instead.

// Stryker's sandbox (the copy of the project it mutates, the working directory here) is made
// private to its owner; a test that runs a child process as another user (the read-only cache
// directory, when the tests run as root) has to be let in to find its script.
if (basename(process.cwd()).startsWith('sandbox-')) chmodSync(process.cwd(), 0o755);

export default defineConfig({
  test: {
    include: ['packages/runtime/test/**/*.test.ts', 'packages/compiler/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
