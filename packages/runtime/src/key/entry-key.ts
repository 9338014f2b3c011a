import type { EntryKey } from '../store.js';
import { xxh64 } from './xxh64.js';

/** The address of one entry: function id, version and the arguments' key text, and its xxh64. */
export function entryKey(fn: string, version: string, argsText: string): EntryKey {
  const text = `${fn}\u0000${version}\u0000${argsText}`;
  return { fn, version, text, hash: xxh64(text) };
}
