import { deserialize, serialize } from 'node:v8';
import { CachetCodecError } from '../errors.js';
import type { CodecName } from '../store.js';

/**
 * A value as a persistent tier keeps it: JSON as text (SQLite stores it as TEXT and hands it back
 * as a string, with no byte-to-string step on a hit), V8 structured serialisation as bytes.
 */
export type Encoded = string | Uint8Array;

/** The codecs a persistent tier can store; `live` (the object itself) is memory-only. */
export type PersistentCodec = Exclude<CodecName, 'live'>;

/** True when `name` is a codec a persistent tier can decode (a stored name is untrusted text). */
export function isPersistentCodec(name: string): name is PersistentCodec {
  return name === 'json' || name === 'v8';
}

/**
 * Encodes `value` with `codec`. Throws `CachetCodecError` for `live` (it must never reach a
 * persistent tier) and for values the codec cannot hold (a bigint in JSON, a function in V8).
 */
export function encodeValue(codec: CodecName, value: unknown): Encoded {
  switch (codec) {
    case 'json': {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (error) {
        throw new CachetCodecError('the value cannot be encoded as JSON', { cause: error });
      }
      // JSON.stringify returns undefined for undefined, functions and symbols: nothing to store.
      if (text === undefined) throw new CachetCodecError(`a ${typeof value} cannot be encoded as JSON`);
      return text;
    }
    case 'v8':
      try {
        return serialize(value);
      } catch (error) {
        throw new CachetCodecError('the value cannot be encoded with V8 serialisation', { cause: error });
      }
    case 'live':
      throw new CachetCodecError('codec "live" keeps the object itself and cannot be stored persistently');
    default:
      throw new CachetCodecError(`unknown codec "${String(codec)}"`);
  }
}

/** Decodes what `encodeValue` produced. Throws `CachetCodecError` when the data is not valid. */
export function decodeValue(codec: string, data: Encoded): unknown {
  try {
    if (codec === 'json') return JSON.parse(typeof data === 'string' ? data : textDecoder.decode(data));
    if (codec === 'v8') {
      if (typeof data === 'string') throw new TypeError('V8-serialised data stored as text');
      return deserialize(data);
    }
  } catch (error) {
    throw new CachetCodecError(`stored ${codec} data does not decode`, { cause: error });
  }
  throw new CachetCodecError(`unknown stored codec "${codec}"`);
}

/** Encoded size in bytes (UTF-8 for text). */
export function encodedSize(data: Encoded): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/** The encoded data as bytes, for a blob file. */
export function encodedBytes(data: Encoded): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });
