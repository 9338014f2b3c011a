/**
 * Value codecs: JSON as text, V8 structured serialisation as bytes, with the same names and the
 * same errors as the runtime's persistent tiers.
 *
 * The runtime keeps these in `src/codec/codecs.ts` but does not export them from
 * `@cachet/runtime`; until it does, this module mirrors the two functions a store needs.
 */
import { deserialize, serialize } from 'node:v8';
import type { CodecName } from '@cachet/runtime';
import { CachetCodecError } from '@cachet/runtime';

/** JSON text or V8 bytes. */
export type Encoded = string | Uint8Array;

/** Encodes `value` with `codec`; throws `CachetCodecError` for `live` and for values the codec cannot hold. */
export function encodeValue(codec: CodecName, value: unknown): Encoded {
  if (codec === 'json') {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw new CachetCodecError('the value cannot be encoded as JSON', { cause: error });
    }
    if (text === undefined) throw new CachetCodecError(`a ${typeof value} cannot be encoded as JSON`);
    return text;
  }
  if (codec === 'v8') {
    try {
      return serialize(value);
    } catch (error) {
      throw new CachetCodecError('the value cannot be encoded with V8 serialisation', { cause: error });
    }
  }
  throw new CachetCodecError(`codec "${String(codec)}" cannot be stored in Redis`);
}

/** Decodes what `encodeValue` produced; throws `CachetCodecError` when the data does not decode. */
export function decodeValue(codec: 'json' | 'v8', data: Encoded): unknown {
  try {
    if (codec === 'json') return JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    if (typeof data === 'string') throw new TypeError('V8-serialised data stored as text');
    return deserialize(data);
  } catch (error) {
    throw new CachetCodecError(`stored ${codec} data does not decode`, { cause: error });
  }
}
