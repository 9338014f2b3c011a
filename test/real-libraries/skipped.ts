/**
 * The only tests of the libraries' own suites that do not run, each with the reason. A test
 * belongs here only when no cache could pass it (it changes the environment between equal calls,
 * or counts a side effect per call) or when it checks the harness's swap itself rather than a
 * value; never because a cached value is wrong. Names are full tape names, `top > sub`. The test
 * checks that each listed test exists and was skipped, so a stale entry fails.
 */

export interface Skip {
  readonly library: string;
  readonly test: string;
  /** When several tests share the name: which one (1-based, in registration order). Default: all. */
  readonly occurrence?: number;
  readonly reason: string;
}

const swappedUtils =
  "compares the function qs passes to a custom decoder/encoder with the test's own import of " +
  'qs/lib/utils by identity; the harness gives the test the wrapper module in place of that file, so ' +
  "the identity differs with or without caching (qs's internal calls keep the library's function)";

export const skipped: readonly Skip[] = [
  { library: 'qs', test: 'parse() > receives the default decoder as a second argument', reason: swappedUtils },
  {
    library: 'qs',
    // The first test of this name counts encoder calls on a fresh encoder each run and runs.
    test: 'stringify() > receives the default encoder as a second argument',
    occurrence: 2,
    reason: swappedUtils,
  },
];
