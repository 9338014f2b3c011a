/**
 * The test runner the store conformance kit registers its cases with. It needs three functions
 * that vitest, Jest, Mocha and `node:test` all provide under these names, so a store author runs
 * the kit with the runner their project already uses.
 */
import { CachetConfigError } from '../errors.js';

/** The part of a test runner the kit uses: groups, cases and a cleanup after each case. */
export interface TestRunner {
  /** Declares a group of cases (`describe` in every runner named above). */
  describe(name: string, body: () => void): unknown;
  /** Declares one asynchronous case. */
  it(name: string, body: () => Promise<void>): unknown;
  /** Runs after every case of the enclosing group. */
  afterEach(body: () => Promise<void>): unknown;
}

/**
 * The runner given, or the one the test runner put on `globalThis` (Jest, Mocha, vitest with
 * `globals: true`). Throws `CACHET_E_CONFIG` when there is neither.
 */
export function resolveRunner(runner: TestRunner | undefined): TestRunner {
  if (runner !== undefined) return runner;
  const globals = globalThis as Partial<Record<keyof TestRunner, unknown>>;
  if (
    typeof globals.describe === 'function' &&
    typeof globals.it === 'function' &&
    typeof globals.afterEach === 'function'
  ) {
    return globals as TestRunner;
  }
  throw new CachetConfigError(
    "describeStore needs a test runner: pass { describe, it, afterEach } (e.g. from 'vitest' or 'node:test') as its third argument",
  );
}
