/**
 * `cacheKey` is the symbol registered as `cachet.cacheKey`, not one made by this copy of the
 * runtime: a library that defines `[Symbol.for('cachet.cacheKey')]()` on its classes without
 * depending on Cachet, or one that bundles another copy of the runtime, is keyed by this one.
 */
import { describe, expect, it } from 'vitest';
import { cached } from '../src/index.js';
import { cacheKey } from '../src/internal.js';

describe('cacheKey', () => {
  it('is the registered symbol cachet.cacheKey', () => {
    expect(cacheKey).toBe(Symbol.for('cachet.cacheKey'));
  });

  it('keys instances of a class that names it through the registry alone', () => {
    class Ref {
      constructor(
        readonly id: number,
        readonly connection: object,
      ) {}
      [Symbol.for('cachet.cacheKey')](): number {
        return this.id;
      }
    }
    let runs = 0;
    const load = cached(
      (ref: Ref) => {
        runs++;
        return ref.id * 10;
      },
      { id: 'symbols-contract-ref', storage: 'memory' },
    );
    expect(load(new Ref(1, {}))).toBe(10);
    expect(load(new Ref(1, {}))).toBe(10); // another connection object, the same key
    expect(load(new Ref(2, {}))).toBe(20);
    expect(runs).toBe(2);
  });
});
