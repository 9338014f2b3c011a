/**
 * Where things live in Redis. Every name starts with the store's prefix:
 *
 * - `<prefix>v:<fn>:{<hash>}` an entry (`<hash>` is the key's xxh64 as 16 hex digits);
 * - `<prefix>l:<fn>:{<hash>}` the herd lease on that entry;
 * - `<prefix>bus` the invalidation channel, `<prefix>w:<hash>` the wake-up channel of one lease.
 *
 * The `{<hash>}` hash tag puts an entry and its lease in one Redis Cluster slot (the lease script
 * reads both), while different entries, even of one function, spread over all slots. The fixed
 * width of the tag lets a SCAN pattern pick exactly one function's entries.
 */
import type { EntryKey } from '@cachet/runtime/store';

export interface Names {
  entry(key: EntryKey): string;
  lease(key: EntryKey): string;
  wake(key: EntryKey): string;
  readonly bus: string;
  /** SCAN pattern of one function's entries, or of all entries. */
  entries(fn?: string): string;
  /** The function id inside an entry name, or undefined when the name is not an entry's. */
  fnOf(name: string): string | undefined;
}

const TAG = '{????????????????}';

export function names(prefix: string): Names {
  const entryPrefix = `${prefix}v:`;
  return {
    entry: (key) => `${entryPrefix}${key.fn}:{${hex(key.hash)}}`,
    lease: (key) => `${prefix}l:${key.fn}:{${hex(key.hash)}}`,
    wake: (key) => `${prefix}w:${hex(key.hash)}`,
    bus: `${prefix}bus`,
    entries: (fn) => `${glob(entryPrefix)}${fn === undefined ? '*' : `${glob(fn)}:${TAG}`}`,
    fnOf: (name) =>
      name.startsWith(entryPrefix) && name.length >= entryPrefix.length + TAG.length + 1
        ? name.slice(entryPrefix.length, name.length - TAG.length - 1)
        : undefined,
  };
}

/** The signed 64-bit hash as 16 lower-case hex digits. */
export function hex(hash: bigint): string {
  return BigInt.asUintN(64, hash).toString(16).padStart(16, '0');
}

/** `text` as a literal in a Redis glob pattern. */
function glob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** The Redis Cluster slot of `name`: CRC16 (XMODEM) of its hash tag, or of the whole name. */
export function slotOf(name: string): number {
  const bytes = Buffer.from(name);
  let start = 0;
  let end = bytes.length;
  const open = bytes.indexOf(0x7b); // {
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= (bytes[i] as number) << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
