/**
 * The store conformance kit (`@cachet/runtime/store`) bound to vitest, for this repository's
 * stores: `describeStore(name, factory)`.
 */
import { afterEach, describe, it } from 'vitest';
import { describeStore as describeWith, type StoreFactory } from '../src/conformance/describe-store.js';

export type { StoreFactory } from '../src/conformance/describe-store.js';
export { entry, entryKey } from '../src/conformance/fixtures.js';

/** Registers the contract's cases for the store `factory` makes. */
export function describeStore(name: string, factory: StoreFactory): void {
  describeWith(name, factory, { describe, it, afterEach });
}
