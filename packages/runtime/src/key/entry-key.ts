import type { EntryKey } from '../store.js';
import { xxh64 } from './xxh64.js';

/** The address of one entry: function id, version and the arguments' key text, and its xxh64. */
export function entryKey(fn: string, version: string, argsText: string): EntryKey {
  return entryKeyAfter(keyPrefix(fn, version), fn, version, argsText);
}

/** What every key text of a function starts with (`entryKeyAfter` takes it made once). */
export function keyPrefix(fn: string, version: string): string {
  return `${fn}\u0000${version}\u0000`;
}

/** `entryKey` with the function's `keyPrefix`: one string joined per call instead of four. */
export function entryKeyAfter(prefix: string, fn: string, version: string, argsText: string): EntryKey {
  const text = prefix + argsText;
  return { fn, version, text, hash: xxh64(text) };
}
