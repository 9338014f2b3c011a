/**
 * The options of one cached function: written in the `@cached` tag or given to `cached()`, and
 * their build-wide and process-wide defaults (the `defaults` option of the plugin, the tsconfig
 * entry, `register()` and `configure()`). Each is declared once here; see `schema.ts`.
 */

/** What a tag, `cached()` or generated code says about one function. */
export const functionOptions = {
  /**
   * How long a value stays fresh: `250ms`, `30s`, `10m`, `1h30m`, `12h`, `7d`, or `forever`
   * (positive; the compiler and the runtime share the grammar).
   * @default `defaults.ttl`, else `forever`
   */
  ttl: { kind: 'duration', frontEnds: ['tag', 'cached'], positional: 0 },
  /**
   * Any token, part of every key: bump it to drop old entries. In the tag, `auto` hashes the
   * function's own source (comments and whitespace ignored).
   * @default `defaults.version`, else none
   */
  version: { kind: 'token', frontEnds: ['tag', 'cached'], positional: 1 },
  /**
   * Where values live: `memory`, `sqlite`, `fs`, `tiered`, or a store registered with
   * `configure({ stores })`.
   * @default `defaults.storage`, else `tiered` on Node and `memory` in browser builds
   */
  storage: { kind: 'storage', frontEnds: ['tag', 'cached'], positional: 2 },
  /**
   * A duration: after ttl, an async function returns the stale value at once and refreshes it
   * once in the background.
   * @default `defaults.swr`, else none
   */
  swr: { kind: 'duration', frontEnds: ['tag', 'cached'] },
  /**
   * Parameter names or paths left out of the key (`ignore=signal,options.locale`; `this` for
   * methods). `AbortSignal` parameters are left out on their own.
   * @default none
   */
  ignore: { kind: 'names', frontEnds: ['tag'] },
  /**
   * A stable identity, part of every key, for when a function moves between files.
   * @default in the tag `<path from the nearest package.json>#<name>` (`src/repo.ts#UserRepo.find`); in `cached()` the function's name
   */
  id: { kind: 'text', frontEnds: ['tag', 'cached'] },
  /**
   * A custom key: a function of the arguments returning a string, or an encoder object (`text`,
   * and optionally `hash`, `snapshot` and `equals` over the argument array).
   * @default the reflective encoder
   */
  key: { kind: 'key', frontEnds: ['cached'] },
  /**
   * Whether the function returns a promise: concurrent calls of a key then share one run.
   * @default true for `async` functions
   */
  async: { kind: 'boolean', frontEnds: ['cached'] },
  /**
   * The codec of stored values: `json`, or `v8` (structured serialisation).
   * @default chosen for each value
   */
  codec: { kind: 'choice', values: ['json', 'v8'], frontEnds: ['cached'] },
  /**
   * Each call also computes the reflective key and reports calls where the two keys disagree.
   * @default `configure({ verify })`
   */
  verify: { kind: 'boolean', frontEnds: ['cached'] },
} as const;

/** What functions get when their own options leave something out. */
export const defaultsOptions = {
  /** The ttl of functions that give none. */
  ttl: { kind: 'duration', default: 'forever', frontEnds: ['plugin', 'tsconfig', 'register', 'configure'] },
  /**
   * The storage of functions that name none.
   * @default `tiered` on Node, `memory` in browser builds
   */
  storage: { kind: 'storage', frontEnds: ['plugin', 'tsconfig', 'register', 'configure'] },
  /** The version of functions that give none; `auto` hashes each function's source. */
  version: { kind: 'token', frontEnds: ['plugin', 'tsconfig', 'register'] },
  /**
   * The swr window of functions that give none.
   * @default none
   */
  swr: { kind: 'duration', frontEnds: ['configure'] },
} as const;
