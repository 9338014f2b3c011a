/** Keys and entries for testing a store by hand, built the way the runtime builds them. */
import { xxh64 } from '../key/xxh64.js';
import type { CodecName, EntryKey, StoredEntry } from '../store.js';

/**
 * The address the runtime would give the call of function `fn` (at `version`) whose arguments
 * encode to `args`: key text and its signed xxh64 hash.
 *
 * @example
 * await store.set(entryKey('src/users.ts#load', '7'), entry({ name: 'Ada' }));
 */
export function entryKey(fn: string, args: string, version = '1'): EntryKey {
  const text = `${fn}\u0000${version}\u0000${args}`;
  return { fn, version, text, hash: xxh64(text) };
}

/**
 * An entry holding `value` with `codec`, created at 1000 ms and kept forever unless `times` says
 * otherwise.
 */
export function entry(value: unknown, codec: CodecName = 'json', times: Partial<StoredEntry> = {}): StoredEntry {
  return {
    value,
    codec,
    createdAt: 1000,
    expiresAt: Number.POSITIVE_INFINITY,
    staleUntil: Number.POSITIVE_INFINITY,
    ...times,
  };
}
