/**
 * `@cachet/runtime/store`: what a store author needs. The store contract (`Store` and the shapes
 * it reads and returns), the value codecs a persistent store encodes with, and `describeStore`,
 * the conformance kit every built-in store passes, to run against your own store with your own
 * test runner.
 *
 * @example
 * import { afterEach, describe, it } from 'node:test';
 * import { describeStore } from '@cachet/runtime/store';
 * import { myStore } from './my-store.js';
 *
 * describeStore('my store', { create: () => myStore() }, { describe, it, afterEach });
 */

export { decodeValue, type Encoded, encodedBytes, encodedSize, encodeValue } from './codec/codecs.js';
export { describeStore, type StoreFactory } from './conformance/describe-store.js';
export { entry, entryKey } from './conformance/fixtures.js';
export type { TestRunner } from './conformance/runner.js';
export type {
  CodecName,
  EntryKey,
  Invalidation,
  InvalidationListener,
  MaybePromise,
  StatsCounts,
  StatsSample,
  Store,
  StoredEntry,
  StoreFunctionInfo,
  StoreHost,
  SyncStore,
} from './store.js';
export { NOT_FOUND } from './store.js';
