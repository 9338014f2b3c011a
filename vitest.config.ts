import { defineConfig } from 'vitest/config';
import { missing, skipLine } from './test/support/services.js';

// Tests needing a redis-server or a Chromium this machine lacks are left out, one line each (never under CI).
const without = missing();
for (const service of without) console.log(skipLine(service));

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.git/**', '**/.tmp/**', ...without.flatMap((service) => service.files)],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Cross-process and build tests spawn their own processes; two cores are all there is.
    maxWorkers: 2,
  },
});
