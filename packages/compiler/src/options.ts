/** Options of the compiler, shared by every front end (ts-patch, the bundler plugin). */
import { type AnnotationDefaults, checkDefaults } from './annotation.js';

export interface CachetOptions {
  /**
   * Compiled functions run in verify mode: each call also computes the reflective key of the
   * keyed arguments and reports calls where the two keys disagree. `CACHET_VERIFY=1` at run time
   * does the same for every function without recompiling.
   * @default false
   */
  readonly verify?: boolean;
  /**
   * Where generated code imports the runtime from.
   * @default '@cachet/runtime/internal'
   */
  readonly runtimeModule?: string;
  /**
   * What an annotation that leaves out `ttl`, `storage` or `version` gets, e.g.
   * `{ storage: 'memory' }`; the annotation's own options win.
   * @default {} (the runtime's defaults: forever, tiered on Node and memory in browsers, no version)
   */
  readonly defaults?: AnnotationDefaults;
}

export interface ResolvedOptions {
  readonly verify: boolean;
  readonly runtimeModule: string;
  readonly defaults: AnnotationDefaults;
}

/** Fills in defaults once; nothing reads raw options afterwards. */
export function resolveOptions(options: CachetOptions = {}): ResolvedOptions {
  return {
    verify: options.verify === true,
    runtimeModule: options.runtimeModule ?? '@cachet/runtime/internal',
    defaults: checkDefaults(options.defaults ?? {}),
  };
}
