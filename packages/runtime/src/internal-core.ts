/**
 * What generated code imports (`@cachet/runtime/internal`). Internal: its shape may change with
 * the compiler; users call the public API.
 */
import { CachedFunction, type FunctionPlan } from './cached-function.js';
import { runtime } from './runtime.js';

export type { FunctionPlan } from './cached-function.js';
export { CachedFunction } from './cached-function.js';
export { type BuiltinPrototypes, proto } from './key/builtins.js';
export type { KeyEncoder } from './key/encoder.js';
export {
  equalsDate,
  equalsNumbers,
  equalsStrings,
  hashBigint,
  hashBoolean,
  hashDate,
  hashNullish,
  hashNumber,
  hashNumbers,
  hashString,
  hashStrings,
  isObject,
  mix,
  notItsType,
  Other,
  ownNumber,
  ownString,
  sameNumber,
  snapshotDate,
  snapshotPrimitives,
  textDate,
  textNumbers,
  textStrings,
} from './key/generated.js';
export { identity } from './key/identity.js';
export { instanceText, reflectArgs, reflectKey } from './key/reflect.js';
export { cacheKey } from './key/symbols.js';
export { uncacheable } from './key/uncacheable.js';
export { bind } from './registry.js';

/**
 * Creates the runtime side of a compiled function. Generated code calls it lazily, on the first
 * call, so hoisted declarations called before their module finished loading work.
 */
export function define(plan: FunctionPlan, impl: (...args: never[]) => unknown): CachedFunction {
  return new CachedFunction(plan, impl as never, runtime());
}
