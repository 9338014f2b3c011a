import { defineConfig } from 'vitest/config';

// The tests Stryker runs for each mutant (`npm run test:mutation`): the runtime's and the
// compiler's own, which import their sources; the cross-package tests run built code instead.
export default defineConfig({
  test: {
    include: ['packages/runtime/test/**/*.test.ts', 'packages/compiler/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
