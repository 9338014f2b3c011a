import { describe, expect, it, vi } from 'vitest';
import xxhash from 'xxhash-wasm';
import { xxh64, xxh64Bytes, xxh64Hex } from '../src/key/xxh64.js';

describe('xxh64', () => {
  it('is available synchronously and equals xxhash-wasm for every input', async () => {
    const first = xxh64('loadUser\u00002\u0000d1'); // before anything awaited
    const api = await xxhash();
    expect(BigInt.asUintN(64, first)).toBe(api.h64('loadUser\u00002\u0000d1'));
    // `k20` hashes to 0x0045…: its hex keeps the leading zeros (16 digits).
    for (const text of ['', 'a', 'k20', 'ü∑ß日本'.repeat(999), 'x'.repeat(200_000), '\u0000\ud83d\ude00']) {
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

  it('of bytes equals xxhash-wasm at every size around its 32 KiB chunks, whatever was hashed before', async () => {
    const api = await xxhash();
    const chunk = 32 * 1024;
    // Odd sizes one after another: a digest leaves bytes buffered in the module's state, which the
    // next chunked hash must not start from.
    const sizes = [
      0,
      1,
      31,
      chunk - 1,
      chunk,
      chunk + 1,
      chunk + 5,
      3 * chunk + 7,
      2 * chunk,
      1_000_003,
      33,
      chunk + 9,
    ];
    const dirt = new Uint8Array(1000).fill(255); // hashed in one piece: it fills the module's state area
    for (const size of sizes) {
      xxh64Bytes(dirt);
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + size) & 255;
      expect(BigInt.asUintN(64, xxh64Bytes(bytes)), `${size} bytes`).toBe(api.h64Raw(bytes));
    }
  });

  it('loads its module on first use in a fresh import, for text and for bytes', async () => {
    const api = await xxhash();
    for (const first of ['text', 'bytes'] as const) {
      vi.resetModules();
      const fresh = await import('../src/key/xxh64.js');
      const bytes = new TextEncoder().encode('fresh');
      const hash = first === 'text' ? fresh.xxh64('fresh') : fresh.xxh64Bytes(bytes);
      expect(BigInt.asUintN(64, hash)).toBe(api.h64Raw(bytes));
    }
  });
});
