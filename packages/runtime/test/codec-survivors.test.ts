/**
 * The value codecs of the persistent tiers (`codec/codecs.ts`) and the choice between them for a
 * value `cached()` returns (`codec/pick.ts`), checked on their own. A wrong round trip serves a
 * different value than the function returned: `[ , 1]` read back as `[null, 1]`, `-0` as `0`,
 * bytes read as text. Written for the survivors of a scoped Stryker run over both files
 * (docs/testing.md, "Helpers of compiled keys and the codecs").
 */
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { decodeValue, encodedBytes, encodedSize, encodeValue, isPersistentCodec } from '../src/codec/codecs.js';
import { pickCodec } from '../src/codec/pick.js';
import { CachetCodecError } from '../src/errors.js';

const CODEC = { code: 'CACHET_E_CODEC', type: CachetCodecError };

/** `levels` arrays, one inside the other, around `1`: the innermost sits at depth `levels - 1`. */
function nested(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

/** The same with objects. */
function nestedObjects(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { v };
  return v;
}

/** An array of `length` with holes where `items` has no entry. */
function sparse(length: number, items: Record<number, unknown>): unknown[] {
  const a = new Array<unknown>(length);
  for (const [i, v] of Object.entries(items)) a[Number(i)] = v;
  return a;
}

const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: 'x' });
class Stack<T> extends Array<T> {}
class Point {
  constructor(readonly x: number) {}
}

/** Values JSON gives back exactly. */
const JSON_SAFE: readonly [string, unknown][] = [
  ['a string', 'a'],
  ['the empty string', ''],
  ['true', true],
  ['false', false],
  ['0', 0],
  ['a fraction', 1.5],
  ['a negative number', -3],
  ['null', null],
  ['an empty array', []],
  ['an empty object', {}],
  ['a nested value', { a: 1, b: [1, 'x', null, { c: false }], d: { e: '' } }],
  ['arrays nested 65 deep (the innermost at depth 64)', nested(65)],
  ['objects nested 65 deep', nestedObjects(65)],
];

/** Values JSON would change or refuse: V8 serialisation. */
const NEEDS_V8: readonly [string, unknown][] = [
  ['-0', -0],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['undefined', undefined],
  ['a bigint', 1n],
  ['a Date', new Date(5)],
  ['a Map', new Map([[1, 'a']])],
  ['a Set', new Set(['a'])],
  ['bytes', new Uint8Array([1, 2])],
  ['an array with a hole', sparse(3, { 0: 1, 2: 2 })],
  ['an array ending in a hole', sparse(2, { 0: 1 })],
  ['an array holding undefined', [undefined]],
  ['an array holding -0 last', [1, -0]],
  ['an array holding NaN first', [Number.NaN, 1]],
  ['an object holding undefined', { a: undefined }],
  ['an object holding a bigint last', { a: 1, b: 1n }],
  ['an object holding a Date', { when: new Date(5) }],
  ['arrays nested 66 deep (the innermost at depth 65)', nested(66)],
  ['objects nested 66 deep', nestedObjects(66)],
  ['a Map holding a Set of Dates', new Map([['a', new Set([new Date(1)])]])],
  ['a RegExp', /a+/g],
  ['a DataView', new DataView(new ArrayBuffer(2))],
  ['a boxed number', Object(1)],
  ['an array with a member beside its items', Object.assign([1, 2], { total: 3 })],
];

/** Values neither codec gives back as they were: no codec, so no persistent tier. */
const UNSTORABLE: readonly [string, unknown][] = [
  ['a class instance', new Point(1)],
  ['an object without a prototype', bare],
  ['a class instance inside an array', [1, new Point(1)]],
  ['an object without a prototype inside a Map', new Map([['k', bare]])],
  ['a Date subclass', new (class Stamp extends Date {})(5)],
  ['a Uint8Array subclass', new (class Bytes extends Uint8Array {})(2)],
  ['a function', () => 1],
  ['a function inside an object', { f: () => 1 }],
  ['a symbol', Symbol('s')],
  ['an Error', new Error('e')],
  ['an Array subclass', Stack.from([1, 2])],
];

describe('pickCodec', () => {
  it.each(JSON_SAFE)('picks json for %s, and JSON gives it back', (_, value) => {
    expect(pickCodec(value)).toBe('json');
    expect(decodeValue('json', encodeValue('json', value))).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(decodeValue('json', encodeValue('json', value))).toEqual(value);
  });

  it.each(NEEDS_V8)('picks v8 for %s', (_, value) => {
    expect(pickCodec(value)).toBe('v8');
  });

  it.each(UNSTORABLE)('picks no codec for %s', (_, value) => {
    expect(pickCodec(value)).toBeUndefined();
  });

  it('walks cycles and deep values without recursion', () => {
    const cycle: Record<string, unknown> = { d: new Date(1) };
    cycle.self = cycle;
    expect(pickCodec(cycle)).toBe('v8');
    const cyclePoint: Record<string, unknown> = { p: new Point(1) };
    cyclePoint.self = cyclePoint;
    expect(pickCodec(cyclePoint)).toBeUndefined();
    let deep: unknown = new Date(1);
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(pickCodec(deep)).toBe('v8');
  });

  it('the picked codec gives back every value exactly (holes, -0, undefined members)', () => {
    for (const [what, value] of [...JSON_SAFE, ...NEEDS_V8]) {
      const codec = pickCodec(value);
      if (codec === undefined) throw new Error(`no codec for ${what}`);
      const back = decodeValue(codec, encodeValue(codec, value));
      expect(back, what).toStrictEqual(value);
      if (typeof value === 'object' && value !== null) {
        expect(Object.getPrototypeOf(back), what).toBe(Object.getPrototypeOf(value));
      }
      if (typeof value === 'number') expect(Object.is(back, value), what).toBe(true);
    }
    const back = decodeValue('v8', encodeValue(pickCodec([1, -0]) ?? 'json', [1, -0])) as number[];
    expect(Object.is(back[1], -0)).toBe(true);
    const holed = sparse(3, { 0: 1, 2: 2 });
    expect(1 in (decodeValue('v8', encodeValue(pickCodec(holed) ?? 'json', holed)) as unknown[])).toBe(false);
  });
});

describe('isPersistentCodec', () => {
  it('takes json and v8, and no other name', () => {
    expect(isPersistentCodec('json')).toBe(true);
    expect(isPersistentCodec('v8')).toBe(true);
    for (const name of ['live', '', 'JSON', 'v8 ', 'msgpack']) expect(isPersistentCodec(name), name).toBe(false);
  });
});

describe('encodeValue', () => {
  it('json: the text JSON.stringify writes', () => {
    expect(encodeValue('json', { a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(encodeValue('json', 'é')).toBe('"é"');
  });

  it('json: a value it cannot hold is a codec error, with the cause', () => {
    const big = expectError(() => encodeValue('json', { n: 1n }), {
      ...CODEC,
      message: 'the value cannot be encoded as JSON',
    });
    expect(big.cause).toBeInstanceOf(TypeError);
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(
      expectError(() => encodeValue('json', cycle), { ...CODEC, message: 'the value cannot be encoded as JSON' }).cause,
    ).toBeInstanceOf(TypeError);
  });

  it('json: undefined, a function or a symbol is a codec error naming its type, not a stored nothing', () => {
    expectError(() => encodeValue('json', undefined), { ...CODEC, message: 'a undefined cannot be encoded as JSON' });
    expectError(() => encodeValue('json', () => 1), { ...CODEC, message: 'a function cannot be encoded as JSON' });
    expectError(() => encodeValue('json', Symbol('s')), { ...CODEC, message: 'a symbol cannot be encoded as JSON' });
  });

  it('v8: the bytes of structured serialisation', () => {
    const value = new Map([[1, new Date(5)]]);
    expect(encodeValue('v8', value)).toStrictEqual(serialize(value));
  });

  it('v8: a value it cannot hold is a codec error, with the cause', () => {
    const error = expectError(() => encodeValue('v8', { f: () => 1 }), {
      ...CODEC,
      message: 'the value cannot be encoded with V8 serialisation',
    });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('live and unknown codecs are refused', () => {
    expectError(() => encodeValue('live', 1), {
      ...CODEC,
      message: 'codec "live" keeps the object itself and cannot be stored persistently',
    });
    expectError(() => encodeValue('msgpack' as never, 1), { ...CODEC, message: 'unknown codec "msgpack"' });
  });
});

describe('decodeValue', () => {
  it('json: from text, and from its UTF-8 bytes (a blob file)', () => {
    expect(decodeValue('json', '{"a":"é"}')).toStrictEqual({ a: 'é' });
    expect(decodeValue('json', Buffer.from('{"a":"é"}'))).toStrictEqual({ a: 'é' });
    // The bytes of "1" are [49]: read as anything but UTF-8 text, they would give 49.
    expect(decodeValue('json', encodedBytes('1'))).toBe(1);
    expect(decodeValue('json', new Uint8Array([0x5b, 0x32, 0x5d]))).toStrictEqual([2]);
  });

  it('json: bytes that are not UTF-8 are a codec error, never a replaced character', () => {
    const error = expectError(() => decodeValue('json', new Uint8Array([0x22, 0xff, 0x22])), {
      ...CODEC,
      message: 'stored json data does not decode',
    });
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('json: text that is not JSON is a codec error, with the cause', () => {
    const error = expectError(() => decodeValue('json', '{"a":'), {
      ...CODEC,
      message: 'stored json data does not decode',
    });
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('v8: from bytes; text is a codec error, as are bytes V8 did not write', () => {
    const value = { m: new Map([[1, 2n]]), d: new Date(5), u: undefined };
    expect(decodeValue('v8', serialize(value))).toStrictEqual(value);
    const text = expectError(() => decodeValue('v8', 'not bytes'), {
      ...CODEC,
      message: 'stored v8 data does not decode',
    });
    expect(text.cause).toBeInstanceOf(TypeError);
    expect((text.cause as Error).message).toBe('V8-serialised data stored as text');
    expectError(() => decodeValue('v8', new Uint8Array([1, 2, 3])), {
      ...CODEC,
      message: 'stored v8 data does not decode',
    });
  });

  it('a codec name it does not know (stored text) is a codec error', () => {
    expectError(() => decodeValue('live', '1'), { ...CODEC, message: 'unknown stored codec "live"' });
    expectError(() => decodeValue('JSON', '1'), { ...CODEC, message: 'unknown stored codec "JSON"' });
    expectError(() => decodeValue('', new Uint8Array([1])), { ...CODEC, message: 'unknown stored codec ""' });
  });
});

describe('encodedSize and encodedBytes', () => {
  it('text is counted and written as UTF-8', () => {
    expect(encodedSize('')).toBe(0);
    expect(encodedSize('ab')).toBe(2);
    expect(encodedSize('é\u{1F600}')).toBe(6);
    expect(Array.from(encodedBytes('é'))).toStrictEqual([0xc3, 0xa9]);
  });

  it('bytes are counted as they are and handed on as they are', () => {
    const all = new Uint8Array([9, 1, 2, 3, 9]);
    const part = all.subarray(1, 4);
    expect(encodedSize(part)).toBe(3);
    expect(encodedBytes(part)).toBe(part);
  });
});
