import { describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';
import { xxh64, xxh64Hex } from '../src/key/xxh64.js';

describe('xxh64', () => {
  it('is available synchronously and equals xxhash-wasm for every input', async () => {
    const first = xxh64('loadUser\u00002\u0000d1'); // before anything awaited
    const api = await xxhash();
    expect(BigInt.asUintN(64, first)).toBe(api.h64('loadUser\u00002\u0000d1'));
    for (const text of ['', 'a', 'ü∑ß日本'.repeat(999), 'x'.repeat(200_000), '\u0000\ud83d\ude00']) {
      expect(BigInt.asUintN(64, xxh64(text))).toBe(api.h64(text));
      expect(xxh64Hex(text)).toBe(api.h64ToString(text));
    }
  });

  it('is a signed 64-bit integer (an SQLite rowid)', () => {
    for (let i = 0; i < 200; i++) {
      const h = xxh64(`k${i}`);
      expect(h).toBe(BigInt.asIntN(64, h));
    }
  });
});
