import type { KeyEncoder } from './key/encoder.js';
import type { functionOptions } from './options/function-options.js';
import type { OptionsOf } from './options/schema.js';

/**
 * What compiled code (and `cached()`) tells the runtime about one function: the options of
 * `cached()` (declared once in `options/function-options.ts`), with its id always given and its
 * key as an encoder.
 */
export type FunctionPlan = Omit<OptionsOf<typeof functionOptions, 'cached'>, 'id' | 'key'> & {
  /** Stable identity, e.g. `src/users.ts#loadUser`. */
  readonly id: string;
  /** @default the reflective encoder over all arguments */
  readonly encoder?: KeyEncoder;
};
