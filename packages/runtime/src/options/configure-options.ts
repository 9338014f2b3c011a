/** The options of `configure()`, for the whole process. Each is declared once; see `schema.ts`. */
import { defaultsOptions } from './function-options.js';

/** Every option of `configure()`: its kind, default and doc text. */
export const configureOptions = {
  /**
   * The cache directory: the SQLite database and blob files.
   * @default `CACHET_DIR`, else `.cachet` in the working directory
   */
  dir: { kind: 'text', frontEnds: ['configure'], env: 'CACHET_DIR' },
  /** What functions get when their own options leave `ttl`, `storage` or `swr` out. */
  defaults: { kind: 'object', fields: defaultsOptions as typeof defaultsOptions, frontEnds: ['configure'] },
  /** Limits of the process memory tier (least recently used entries go first). */
  memory: {
    kind: 'object',
    frontEnds: ['configure'],
    fields: {
      /** Entries kept in memory, all functions together. */
      maxEntries: { kind: 'count', default: 100_000, frontEnds: ['configure'] },
      /** Approximate bytes of the values kept in memory. */
      maxBytes: { kind: 'count', default: 268_435_456, frontEnds: ['configure'] },
    },
  },
  /**
   * Named stores for `storage=<name>`: a store, or a list of tiers such as
   * `['memory', redisStore(...)]`. Stores merge across calls; a call that registers stores
   * refuses (`CACHET_E_UNKNOWN_STORE`) a store name that a compiled function loaded so far uses
   * and no call registered, so a typo fails at start-up, not at that function's first call.
   * @default none
   */
  stores: { kind: 'stores', frontEnds: ['configure'] },
  /**
   * The clock, in milliseconds: inject one in tests so TTLs never need a sleep.
   * @default `Date.now`
   */
  now: { kind: 'clock', frontEnds: ['configure'] },
  /**
   * Where faults are reported, each once with its cause.
   * @default `console.warn`
   */
  logger: { kind: 'logger', frontEnds: ['configure'] },
  /**
   * Called for hits, misses, herd joins, errors and tier faults; costs a call per event.
   * @default none
   */
  onEvent: { kind: 'listener', frontEnds: ['configure'] },
  /**
   * Turns caching off: every call runs the function.
   * @default `CACHET_DISABLE=1`, else false
   */
  disabled: { kind: 'boolean', frontEnds: ['configure'], env: 'CACHET_DISABLE' },
  /**
   * Compiled functions also compute the reflective key and report calls where the two keys
   * disagree.
   * @default `CACHET_VERIFY=1`, else false
   */
  verify: { kind: 'boolean', frontEnds: ['configure'], env: 'CACHET_VERIFY' },
  /**
   * The longest a failing tier is skipped before it is tried again: the first skip is 1 s (or
   * this, if shorter), doubling with each consecutive fault.
   */
  backoff: { kind: 'duration', default: '30s', frontEnds: ['configure'] },
  /** How long one process may hold a cross-process herd lease. */
  lease: { kind: 'duration', default: '30s', frontEnds: ['configure'] },
  /**
   * Decides per function id, tier and value size whether a tier keeps a value: `false` skips
   * the tier, `true` keeps it with the function's ttl, `{ ttl }` with another.
   * @default keep everywhere
   */
  policy: { kind: 'policy', frontEnds: ['configure'] },
  /** The built-in SQLite (`storage=sqlite`, `tiered`) and blob-file (`storage=fs`) stores. */
  sqlite: {
    kind: 'object',
    frontEnds: ['configure'],
    fields: {
      /** Total bytes of SQLite rows and blob files together; least recently used entries go first. */
      maxBytes: { kind: 'count', default: 1_073_741_824, frontEnds: ['configure'] },
      /**
       * Under `storage=sqlite`, encoded values above this many bytes go to a blob file instead of
       * the row; `0` spills everything, `Infinity` nothing.
       */
      inlineLimit: { kind: 'bytes', default: 65_536, frontEnds: ['configure'] },
      /** How long a call waits on another process's lock before the tier is skipped. */
      busyTimeout: { kind: 'duration', default: '5s', frontEnds: ['configure'] },
      /**
       * The SQLite binding: `better-sqlite3`, `node:sqlite` (built into Node >= 22.13), or
       * `auto` (better-sqlite3 when it loads, else node:sqlite).
       * @default `CACHET_SQLITE`, else `auto`
       */
      driver: { kind: 'choice', values: ['better-sqlite3', 'node:sqlite', 'auto'], frontEnds: ['configure'] },
    },
  },
} as const;
