/**
 * A class that defines `[cacheKey]()` decides how its instances enter a cache key: the method
 * returns any keyable value (a string, a tuple, a plain object) that is equal for instances
 * that are equal for caching.
 *
 * @example
 * class UserRef { constructor(readonly id: number, readonly conn: Db) {}
 *   [cacheKey]() { return this.id } }
 */
export const cacheKey: unique symbol = Symbol.for('cachet.cacheKey');
