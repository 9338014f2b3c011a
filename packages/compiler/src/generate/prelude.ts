/**
 * The per-file state of generated key code: the depth of recursive types. The hash helpers it
 * calls (mixing, type checks, `Other`) are the runtime's, from `@cachet/runtime/internal` (see
 * names.ts), so no file carries a copy of them.
 *
 * Hashing runs first on every call and checks what it reads: a value that is not of its declared
 * type (passed from JavaScript, or through `any`) makes the call run uncached, never crash and never
 * share the key text of a value of the declared type (`"1"` for `1`, `"yes"` for `true`).
 */
import { prelude } from './names.js';

/** The declarations, one each (see prune.ts: only those something uses are kept). */
export function preludeCode(): string[] {
  return [`let ${prelude.depth} = 0;\n`];
}
