import xxhash from 'xxhash-wasm';

/**
 * Synchronous xxh64 over xxhash-wasm's WebAssembly module.
 *
 * xxhash-wasm only offers an async initialiser, but a sync cached function called at start-up
 * must get the same address as every later call, without waiting. The package hands its module
 * bytes to `WebAssembly.instantiate` synchronously inside `xxhash()`; we take them there and
 * instantiate the same module synchronously, so the hashes are xxhash-wasm's own.
 */

interface XxhExports {
  readonly mem: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  xxh64(ptr: number, length: number, seed: bigint): bigint;
  /** Streaming: a state of STATE_BYTES at `state`, fed from memory at `ptr`. */
  init64(state: number, seed: bigint): void;
  update64(state: number, ptr: number, length: number): void;
  digest64(state: number): bigint;
}

/** Bytes of xxh64's streaming state (as xxhash-wasm allocates it). */
const STATE_BYTES = 88;
/** Bytes copied into the module per update: small enough to stay in the CPU cache while hashed. */
const CHUNK = 32 * 1024;

/** The part of the WebAssembly global used here (typed locally: the runtime has no DOM lib). */
interface WasmApi {
  instantiate(bytes: Uint8Array): Promise<unknown>;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let exportsCache: XxhExports | undefined;
let view: Uint8Array = new Uint8Array(0);
const encoder = new TextEncoder();

function captureModuleBytes(): Uint8Array {
  const original = wasmApi.instantiate;
  let bytes: Uint8Array | undefined;
  wasmApi.instantiate = (source: Uint8Array) => {
    bytes = source;
    return original.call(wasmApi, source);
  };
  try {
    // The promise is not needed: the same module is instantiated synchronously below.
    xxhash().catch(() => undefined);
  } finally {
    wasmApi.instantiate = original;
  }
  if (bytes === undefined) throw new Error('xxhash-wasm did not expose its module bytes');
  return bytes;
}

function load(): XxhExports {
  const module = new wasmApi.Module(captureModuleBytes());
  const instance = new wasmApi.Instance(module, {});
  const loaded = instance.exports as unknown as XxhExports;
  view = new Uint8Array(loaded.mem.buffer);
  return loaded;
}

function ensureCapacity(wasm: XxhExports, bytes: number): void {
  const have = wasm.mem.buffer.byteLength;
  if (have < bytes) wasm.mem.grow(Math.ceil((bytes - have) / 65536));
  if (view.buffer !== wasm.mem.buffer) view = new Uint8Array(wasm.mem.buffer);
}

/** Signed 64-bit xxh64 (seed 0) of the UTF-8 bytes of `text`; usable as an SQLite rowid. */
export function xxh64(text: string): bigint {
  const wasm = (exportsCache ??= load());
  ensureCapacity(wasm, text.length * 3);
  const { written } = encoder.encodeInto(text, view);
  return wasm.xxh64(0, written, 0n);
}

/** The unsigned hex form of `xxh64(text)` (16 digits), as xxhash-wasm's `h64ToString` gives it. */
export function xxh64Hex(text: string): string {
  return BigInt.asUintN(64, xxh64(text)).toString(16).padStart(16, '0');
}

/**
 * Signed 64-bit xxh64 (seed 0) of `bytes`, the same as xxhash-wasm's `h64Raw` gives (as signed).
 * Large inputs are fed in cache-sized chunks: one copy of a megabyte into the module, then a pass
 * over it, would read it from memory twice.
 */
export function xxh64Bytes(bytes: Uint8Array): bigint {
  const wasm = (exportsCache ??= load());
  const length = bytes.byteLength;
  ensureCapacity(wasm, STATE_BYTES + CHUNK);
  if (length <= CHUNK) {
    view.set(bytes);
    return wasm.xxh64(0, length, 0n);
  }
  view.fill(0, 0, STATE_BYTES); // init64 leaves some of the state as it finds it
  wasm.init64(0, 0n);
  for (let at = 0; at < length; at += CHUNK) {
    const end = Math.min(length, at + CHUNK);
    view.set(bytes.subarray(at, end), STATE_BYTES);
    wasm.update64(0, STATE_BYTES, end - at);
  }
  return wasm.digest64(0);
}
