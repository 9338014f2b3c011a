/**
 * `@cachet/runtime/options`: the one option contract. Every option of the tag, `cached()`,
 * `configure()`, the bundler plugin, the tsconfig entry and `register()` is declared once (its
 * kind, default, doc text and the front ends that accept it); each front end checks its input
 * with `checkOptions`, types it with `OptionsOf` and fills defaults from the declarations. Loads
 * nothing else of the runtime but the duration grammar, for the compiler.
 */
export { callSite, formatPosition, type Position } from './options/call-site.js';
export { accepted, checkOptions, checkValue, near, type OptionProblem } from './options/check.js';
export { configureOptions } from './options/configure-options.js';
export { optionsFromEnvironment } from './options/environment.js';
export { assertOptions, CachetOptionError, type OptionsCall } from './options/error.js';
export { FRONT_ENDS, type FrontEnd } from './options/front-ends.js';
export { defaultsOptions, functionOptions } from './options/function-options.js';
export { BUILTIN_STORAGES, checks, type Kinds, type Level } from './options/kinds.js';
export type { OptionSpec, OptionsOf, Schema } from './options/schema.js';
