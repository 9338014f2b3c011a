/**
 * One entry as Redis keeps it: a single binary string holding a fixed header, the full key text
 * and the encoded value. A read compares the stored key text with the key it was asked for, so a
 * hash collision is a miss, never a wrong value.
 *
 *   offset  0  u8       format version (1)
 *           1  u8       codec: 1 json, 2 v8
 *           2  f64 LE   createdAt
 *          10  f64 LE   expiresAt (Infinity for forever; the lease script reads it)
 *          18  f64 LE   staleUntil
 *          26  u32 LE   byte length of the key text
 *          30  …        key text (UTF-8), then the value (JSON text or V8 bytes)
 */
import { CachetCodecError } from '@cachet/runtime';
import { decodeValue, type EntryKey, encodeValue, type StoredEntry } from '@cachet/runtime/store';

const FORMAT = 1;
const HEADER = 30;
const CODECS = ['json', 'v8'] as const;

/** Byte offset of `expiresAt`, for the lease script (Lua strings count from 1). */
export const EXPIRES_AT_OFFSET = 10;

export function encodeEntry(key: EntryKey, entry: StoredEntry): Buffer {
  const codec = CODECS.indexOf(entry.codec as (typeof CODECS)[number]);
  const data = encodeValue(entry.codec, entry.value);
  const textBytes = Buffer.byteLength(key.text);
  const dataBytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  const buffer = Buffer.allocUnsafe(HEADER + textBytes + dataBytes);
  buffer.writeUInt8(FORMAT, 0);
  buffer.writeUInt8(codec + 1, 1);
  buffer.writeDoubleLE(entry.createdAt, 2);
  buffer.writeDoubleLE(entry.expiresAt, EXPIRES_AT_OFFSET);
  buffer.writeDoubleLE(entry.staleUntil, 18);
  buffer.writeUInt32LE(textBytes, 26);
  buffer.write(key.text, HEADER, 'utf8');
  if (typeof data === 'string') buffer.write(data, HEADER + textBytes, 'utf8');
  else buffer.set(data, HEADER + textBytes);
  return buffer;
}

/**
 * The entry in `buffer` if it was stored for `key`; undefined when another key's entry sits at
 * the same address. Throws `CachetCodecError` when the bytes are not an entry.
 */
export function decodeEntry(buffer: Buffer, key: EntryKey): StoredEntry | undefined {
  if (buffer.byteLength < HEADER || buffer.readUInt8(0) !== FORMAT)
    throw new CachetCodecError('the stored entry has an unknown format');
  const codec = CODECS[buffer.readUInt8(1) - 1];
  const textEnd = HEADER + buffer.readUInt32LE(26);
  if (codec === undefined || textEnd > buffer.byteLength)
    throw new CachetCodecError('the stored entry has a damaged header');
  if (buffer.toString('utf8', HEADER, textEnd) !== key.text) return undefined;
  const data = buffer.subarray(textEnd);
  return {
    value: decodeValue(codec, codec === 'json' ? data.toString('utf8') : data),
    codec,
    createdAt: buffer.readDoubleLE(2),
    expiresAt: buffer.readDoubleLE(EXPIRES_AT_OFFSET),
    staleUntil: buffer.readDoubleLE(18),
  };
}
