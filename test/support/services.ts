/**
 * The system programs some tests drive, a `redis-server` and a Chromium, and the benchmark's
 * peer libraries (a separate install). A running Redis can stand in for the program: `REDIS_URL`.
 * On a machine without one,
 * the tests that need it are left out of the run, with one line saying what was left out and how
 * to install it. Under CI (`CI=true`) nothing is left out: a missing program fails its tests.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Service {
  /** The program, as the tests start it. */
  readonly program: string;
  /** Its absolute path, or undefined when it is not on this machine. */
  readonly path: string | undefined;
  /** A running server the tests use instead of starting the program (`REDIS_URL`), if given. */
  readonly url?: string | undefined;
  /** The test files that need it (globs, from the repository root). */
  readonly files: readonly string[];
  /** What the files test, for the line that says they were skipped. */
  readonly what: string;
  /** The command that installs it. */
  readonly install: string;
}

/** True under CI, where a missing service must fail the run rather than skip tests. */
export const inCi: boolean = /^(1|true)$/i.test(process.env.CI ?? '');

/** An executable named `name` on PATH, or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `REDIS_SERVER` (a path to the binary), else `redis-server` on PATH. */
function findRedis(): string | undefined {
  const given = process.env.REDIS_SERVER;
  if (given !== undefined && given !== '') return executable(given) ? given : undefined;
  return onPath('redis-server');
}

/** `CHROMIUM_PATH`, else a Chromium or Chrome on PATH. */
function findChromium(): string | undefined {
  const given = process.env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') return executable(given) ? given : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const found = onPath(name);
    if (found !== undefined) return found;
  }
  return undefined;
}

export const redis: Service = {
  program: 'redis-server',
  path: findRedis(),
  url: process.env.REDIS_URL || undefined,
  files: ['packages/redis/test/**/*.test.ts', 'test/redis/**/*.test.ts'],
  what: 'the Redis tier tests (packages/redis/test, test/redis)',
  install:
    'apt-get install redis-server (or brew install redis; or set REDIS_SERVER to its path, or REDIS_URL to a running server)',
};

/**
 * The Redis tests that need a redis-server of their own, which a `REDIS_URL` server cannot be:
 * they kill and restart it, run it in cluster mode, pause it, or count the commands it served.
 * Whole files here; the files that share a server mark their few such tests with `ownRedis`.
 */
export const ownRedisFiles: readonly string[] = [
  'packages/redis/test/backoff.test.ts',
  'packages/redis/test/cluster.test.ts',
];

/** Whether the tests needing their own redis-server run: it is here, or CI wants them to fail without it. */
export const ownRedis: boolean = inCi || redis.path !== undefined;

export const chromium: Service = {
  program: 'chromium',
  path: findChromium(),
  // test/bundlers/browser.test.ts skips only its Chromium test (the bundle is checked without it).
  files: ['test/cli/dashboard.test.ts'],
  what: 'the tests in headless Chromium (test/cli/dashboard.test.ts, the Chromium test of test/bundlers/browser.test.ts)',
  install: 'apt-get install chromium (or set CHROMIUM_PATH to a Chromium or Chrome)',
};

/** The benchmark's peer libraries: their own install (scripts/bench), not part of the root one. */
const benchInstall = fileURLToPath(new URL('../../scripts/bench/node_modules/.package-lock.json', import.meta.url));
export const benchPeers: Service = {
  program: 'benchmark peer libraries',
  path: existsSync(benchInstall) ? benchInstall : undefined,
  files: ['test/bench/**/*.test.ts'],
  what: 'the benchmark smoke test (test/bench)',
  install: 'npm run bench:install (compiles sqlite3 for @keyv/sqlite: minutes)',
};

export const services: readonly Service[] = [redis, chromium, benchPeers];

/** The services this run has to do without: none under CI. */
export function missing(): Service[] {
  return inCi ? [] : services.filter((service) => !present(service));
}

/** Whether tests needing `service` run: it is here, or CI wants them to fail without it. */
export function runs(service: Service): boolean {
  return inCi || present(service);
}

function present(service: Service): boolean {
  return service.path !== undefined || service.url !== undefined;
}

/** The one line that says what a missing service leaves out. */
export function skipLine(service: Service): string {
  return `skipped ${service.what}: no ${service.program} found; install with: ${service.install}`;
}

/** The line that says what a `REDIS_URL` without a redis-server leaves out, or undefined. */
export function ownRedisSkipLine(): string | undefined {
  if (ownRedis || redis.url === undefined) return undefined;
  return `skipped the Redis tests that kill, pause, cluster or count a server of their own (REDIS_URL is shared): no redis-server found; install with: ${redis.install}`;
}
