import { defineConfig } from 'vitest/config';
import { missing, ownRedis, ownRedisFiles, ownRedisSkipLine, skipLine } from './test/support/services.js';

// Tests needing a redis-server or a Chromium this machine lacks are left out, one line each (never under CI).
// With only REDIS_URL, the Redis tests that need a server of their own are (one more line).
const without = missing();
for (const service of without) console.log(skipLine(service));
const ownRedisLine = ownRedisSkipLine();
if (ownRedisLine !== undefined) console.log(ownRedisLine);

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      '**/.git/**',
      '**/.tmp/**',
      ...without.flatMap((service) => service.files),
      ...(ownRedis ? [] : ownRedisFiles),
      // A tool, not a test: it replays a mutation run's mutants (docs/testing.md) when MUTANTS names them.
      ...(process.env.MUTANTS === undefined ? ['packages/compiler/test/replay-mutants.test.ts'] : []),
    ],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Cross-process and build tests spawn their own processes; two cores are all there is.
    maxWorkers: 2,
  },
});
