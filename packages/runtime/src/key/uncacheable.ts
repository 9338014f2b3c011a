import { CachetKeyError } from '../errors.js';

/**
 * The signal a key encoder throws when an argument's state cannot be seen (a class instance
 * without `[cacheKey]()`, a WeakMap, a function in a persistent key). The call path catches it
 * around every encoding and runs that call uncached, warning once per `reason`.
 *
 * It is a `CachetKeyError` (code `CACHET_E_UNKEYABLE`) so that, should it ever reach user code
 * (`reflectKey` called directly), it reads as a coded error; the runtime never lets it escape a
 * cached call.
 */
export class Uncacheable extends CachetKeyError {
  /** Where in the arguments (`$[0].options.cb`), when the encoder could tell. */
  where: string | undefined = undefined;

  constructor(readonly reason: string) {
    super(reason);
  }

  /** Adds the place of the value to the message (the reason, which warnings dedupe on, stays). */
  at(where: string): void {
    this.where = where;
    this.message = `${this.reason} (at ${where})`;
  }
}

/** Stops the current key encoding: the call runs uncached, with a warning once per `reason`. */
export function uncacheable(reason: string): never {
  throw new Uncacheable(reason);
}

export function isUncacheable(error: unknown): error is Uncacheable {
  return error instanceof Uncacheable;
}
