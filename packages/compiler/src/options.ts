/** Options of the compiler, shared by every front end (ts-patch, the bundler plugin). */
export interface CachetOptions {
  /**
   * Generated modules turn on verify mode (`configure({ verify: true })`): each call also computes
   * the reflective key and reports calls where the two keys disagree. `CACHET_VERIFY=1` at run
   * time does the same without recompiling.
   * @default false
   */
  readonly verify?: boolean;
  /**
   * Where generated code imports the runtime from.
   * @default '@cachet/runtime/internal'
   */
  readonly runtimeModule?: string;
  /**
   * Where generated code imports `configure` from, for `verify`.
   * @default '@cachet/runtime'
   */
  readonly publicModule?: string;
}

export interface ResolvedOptions {
  readonly verify: boolean;
  readonly runtimeModule: string;
  readonly publicModule: string;
}

/** Fills in defaults once; nothing reads raw options afterwards. */
export function resolveOptions(options: CachetOptions = {}): ResolvedOptions {
  return {
    verify: options.verify === true,
    runtimeModule: options.runtimeModule ?? '@cachet/runtime/internal',
    publicModule: options.publicModule ?? '@cachet/runtime',
  };
}
