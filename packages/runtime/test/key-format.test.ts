/**
 * The reflective key's text is a stored format: persistent tiers address entries by it, across
 * processes and releases. These tests pin it value by value (a change must be deliberate, with a
 * version bump) and check, through `cached()`, the cases where a small slip in the encoder would
 * give one value's result to another: bytes, `DataView`s, booleans in arrays, built-ins whose state
 * no key can read. Each was a surviving mutant of a scoped Stryker run over `src/key`
 * (docs/testing.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cached, close, configure } from '../src/index.js';
import { cacheKey, reflectArgs, reflectKey } from '../src/internal.js';

const midway = /a/g;
midway.lastIndex = 3;
class MyDate extends Date {}
class List extends Array<number> {}
class Bytes extends Uint8Array {}
class Text extends String {}
class When extends Date {}
class Keyed {
  constructor(readonly id: number) {}
  [cacheKey](): number {
    return this.id;
  }
}
const cycle: { a: { b: unknown } } = { a: { b: null } };
cycle.a.b = cycle;
const inner: { self?: unknown } = {};
inner.self = inner;
/** Own fields beside a built-in's value, as subclasses carry them. */
const withExtra = <T extends object>(value: T): T => Object.assign(value, { extra: 3 });

/** [what, value, its key text]. */
const GOLDEN: readonly [string, unknown, string][] = [
  ['true', true, 't'],
  ['false', false, 'f'],
  ['null', null, 'n'],
  ['undefined', undefined, 'u'],
  ['a number', 1.5, 'd1.5'],
  ['-0, as 0', -0, 'd0'],
  ['a string with a quote and a backslash', 'a"b\\', 's"a\\"b\\\\"'],
  ['a bigint', 12n, 'b12'],
  ['a registered symbol', Symbol.for('k'), 'y"k"'],
  ['an empty array', [], '[]'],
  ['an array of booleans and null', [true, false, null], '[t,f,n]'],
  ['an empty object', {}, '{}'],
  [
    'a dictionary without a prototype',
    Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
    'O{"a":d2,"b":d1}',
  ],
  ['a Date', new Date(5), 'D5'],
  [
    'a Map',
    new Map<unknown, unknown>([
      ['b', 1],
      ['a', [2]],
    ]),
    'M{s"a"=>[d2],s"b"=>d1}',
  ],
  ['a Set', new Set([2, 1]), 'S{d1,d2}'],
  ['a RegExp', /x+/i, 'R"x+/i"'],
  ['a global RegExp mid-way', midway, 'R"a/g/3"'],
  ['a URL', new URL('https://example.test/a?b=1'), 'U"https://example.test/a?b=1"'],
  ['URLSearchParams', new URLSearchParams('b=2&a=1'), 'P"b=2&a=1"'],
  ['an Error', new Error('m'), 'E(s"Error",s"m",-,-){}'],
  ['a TypeError', new TypeError('m'), 'E(s"TypeError",s"m",-,-){}'],
  ['a RangeError', new RangeError('m'), 'E(s"RangeError",s"m",-,-){}'],
  ['a SyntaxError', new SyntaxError('m'), 'E(s"SyntaxError",s"m",-,-){}'],
  ['a ReferenceError', new ReferenceError('m'), 'E(s"ReferenceError",s"m",-,-){}'],
  ['an EvalError', new EvalError('m'), 'E(s"EvalError",s"m",-,-){}'],
  ['a URIError', new URIError('m'), 'E(s"URIError",s"m",-,-){}'],
  ['an AggregateError with a cause', new AggregateError([1], 'm', { cause: 2 }), 'E(s"AggregateError",s"m",d2,[d1]){}'],
  ['a boxed number', Object(1), 'N(d1)'],
  ['a boxed string', Object('s'), 'N(s"s")'],
  ['a boxed boolean', Object(false), 'N(f)'],
  ['a boxed bigint', Object(3n), 'N(b3)'],
  ['a boxed symbol', Object(Symbol.for('s')), 'N(y"s")'],
  ['an ArrayBuffer', new Uint8Array([1, 0x23, 0xff]).buffer, 'TArrayBuffer:0123ff'],
  ['a Uint8Array', new Uint8Array([1, 0x23, 0xff]), 'TUint8Array:0123ff'],
  ['a Float64Array', new Float64Array([1]), 'TFloat64Array:000000000000f03f'],
  ['a DataView over part of a buffer', new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2), 'TDataView:0807'],
  ['a subclass of Date', new MyDate(7), 'C"MyDate"(D7){}'],
  ['a subclass of Array with a field', withExtra(List.from([1, 2])), 'C"List"([d1,d2]){"extra":d3}'],
  ['a subclass of Uint8Array with a field', withExtra(new Bytes([1, 2])), 'C"Bytes"(TUint8Array:0102){"extra":d3}'],
  ['a subclass of String with a field', withExtra(new Text('ab')), 'C"Text"(N(s"ab")){"extra":d3}'],
  ['a subclass of Date with an index-like field', Object.assign(new When(1), { 0: 'a' }), 'C"When"(D1){"0":s"a"}'],
  [
    'an Error with an own errors field',
    Object.assign(new Error('m'), { errors: [1] }),
    'E(s"Error",s"m",-,-){"errors":[d1]}',
  ],
  ['an object with index-like keys', { 1: 'b', 0: 'a', x: 1 }, '{"0":s"a","1":s"b","x":d1}'],
  ['an object with symbol keys', { b: 1, [Symbol.for('z')]: 2, [Symbol.for('a')]: 3 }, '{"b":d1,@y"a":d3,@y"z":d2}'],
  ['an object with only a symbol key', { [Symbol.for('a')]: 3 }, '{@y"a":d3}'],
  ['an object with only symbol keys', { [Symbol.for('b')]: 2, [Symbol.for('a')]: 3 }, '{@y"a":d3,@y"b":d2}'],
  ['a cycle to the root', cycle, '{"a":{"b":^2}}'],
  ['a cycle below the root', { x: inner }, '{"x":{"self":^1}}'],
  ['a class with [cacheKey]()', new Keyed(4), 'K"Keyed"(d4)'],
  [
    'a dictionary with [cacheKey]()',
    Object.assign(Object.create(null) as object, { [cacheKey]: () => 'x' }),
    'K-(s"x")',
  ],
  [
    'an object of 13 keys (sorted by the built-in sort)',
    Object.fromEntries([...'mlkjihgfedcba'].map((key, i) => [key, i])),
    '{"a":d12,"b":d11,"c":d10,"d":d9,"e":d8,"f":d7,"g":d6,"h":d5,"i":d4,"j":d3,"k":d2,"l":d1,"m":d0}',
  ],
];

describe('the reflective key text, value by value', () => {
  it.each(GOLDEN)('%s', (_what, value, text) => {
    expect(reflectKey(value)).toBe(text);
  });

  it('an argument list joins its arguments with commas', () => {
    expect(reflectArgs([1, 'a', [true]])).toBe('d1,s"a",[t]');
  });
});

describe('where a value no key can read sits, as the warning names it', () => {
  const weak = new WeakMap();
  it.each([
    ['a property', { a: weak }, '$.a'],
    ['an array element', [0, weak], '$[1]'],
    ['a Map value', new Map([['k', weak]]), '$<value>'],
    ['a Map key', new Map([[weak, 1]]), '$<key>'],
    ['a Set item', new Set([weak]), '$<item>'],
    ['a symbol key', { [Symbol.for('s')]: weak }, '$[Symbol(s)]'],
    ['a key that is not an identifier', { 'a-b': weak }, '$["a-b"]'],
    ['an index-like key of an object', { 7: weak }, '$["7"]'],
    ['a nested path', { a: [{ b: weak }] }, '$.a[0].b'],
  ])('in %s', (_what, value, where) => {
    let thrown: unknown;
    try {
      reflectKey(value);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as { where?: string }).where).toBe(where);
    expect((thrown as Error).message.endsWith(`(at ${where})`)).toBe(true);
  });

  it('instances of a class without [cacheKey]() are refused with the fix, named or anonymous', () => {
    class Plain {
      x = 1;
    }
    const reasons = [
      new Plain(),
      new (class {
        x = 1;
      })(),
    ].map((value) => {
      try {
        reflectKey(value);
        return '';
      } catch (error) {
        return (error as { reason: string }).reason;
      }
    });
    expect(reasons).toEqual([
      'Plain instances cannot be part of a cache key: Cachet cannot see all of their state; add a [cacheKey]() method to Plain, or pass a plain object',
      'instances of an anonymous class cannot be part of a cache key: Cachet cannot see all of their state; add a [cacheKey]() method to the class, or pass a plain object',
    ]);
  });
});

describe('values a slip in the encoder would confuse, through cached()', () => {
  const warnings: string[] = [];
  beforeAll(() => configure({ logger: { warn: (message) => warnings.push(message) } }));
  afterAll(() => close());

  /** A cached identity-like function that counts its runs. */
  function counted(id: string) {
    let runs = 0;
    const fn = cached((value: unknown) => [runs++, value], { id, storage: 'memory' });
    return { fn, runs: () => runs };
  }

  it('bytes keep their leading zero digit: [0x01, 0x23] and [0x12, 0x03] are two keys', () => {
    const { fn } = counted('format-bytes');
    const a = new Uint8Array([0x01, 0x23]);
    const b = new Uint8Array([0x12, 0x03]);
    expect(fn(a)[1]).toBe(a);
    expect(fn(b)[1]).toBe(b);
  });

  it('DataViews are keyed by the bytes they see', () => {
    const { fn } = counted('format-dataview');
    const a = new DataView(new Uint8Array([1, 2]).buffer);
    const b = new DataView(new Uint8Array([3, 4]).buffer);
    expect(fn(a)[1]).toBe(a);
    expect(fn(b)[1]).toBe(b);
    expect(fn(new DataView(new Uint8Array([3, 4]).buffer))[1]).toBe(b);
  });

  it('an array of one boolean is not the empty array', () => {
    const { fn } = counted('format-booleans');
    expect(fn([])[1]).toEqual([]);
    expect(fn([true])[1]).toEqual([true]);
    expect(fn([false])[1]).toEqual([false]);
  });

  it('objects that differ only in an index-like key are two keys, plain or inside a subclass', () => {
    const { fn } = counted('format-index-keys');
    expect(fn({ 0: 'a' })[1]).toEqual({ 0: 'a' });
    expect(fn({ 0: 'b' })[1]).toEqual({ 0: 'b' });
    const bare = (text: string) => Object.assign(Object.create(null) as object, { 0: text });
    expect(fn(bare('a'))[1]).toEqual(bare('a'));
    expect(fn(bare('b'))[1]).toEqual(bare('b'));
    const a = Object.assign(new When(1), { 0: 'a' });
    const b = Object.assign(new When(1), { 0: 'b' });
    expect(fn(a)[1]).toBe(a);
    expect(fn(b)[1]).toBe(b);
  });

  it('objects of more than 12 keys share a key whatever their insertion order', () => {
    const { fn, runs } = counted('format-many-keys');
    const keys = [...'abcdefghijklmn'];
    fn(Object.fromEntries(keys.map((key) => [key, 1])));
    fn(Object.fromEntries([...keys].reverse().map((key) => [key, 1])));
    expect(runs()).toBe(1);
  });

  it.each([
    ['WeakMap', () => new WeakMap()],
    ['WeakSet', () => new WeakSet()],
    ['WeakRef', () => new WeakRef({})],
    ['Promise', () => Promise.resolve(1)],
    ['FinalizationRegistry', () => new FinalizationRegistry(() => undefined)],
    ['SharedArrayBuffer', () => new SharedArrayBuffer(4)],
  ])('a %s, whose state no key can read, runs the call uncached', (name, make) => {
    const { fn, runs } = counted(`format-unkeyable-${name}`);
    const value = make();
    fn(value);
    fn(value);
    expect(runs()).toBe(2);
    expect(warnings.some((warning) => warning.includes(`a ${name} cannot be part of a cache key`))).toBe(true);
  });

  it('a value whose prototype chain ends without Object.prototype runs uncached (no crash)', () => {
    const { fn, runs } = counted('format-null-chain');
    const value = Object.create(Object.create(null) as object) as object;
    fn(value);
    fn(value);
    expect(runs()).toBe(2);
  });

  it.each([
    ['Date', () => new Date(0)],
    ['Map', () => new Map()],
    ['Set', () => new Set()],
    ['RegExp', () => /a/],
    ['URL', () => new URL('https://example.test/')],
    ['URLSearchParams', () => new URLSearchParams('a=1')],
    ['ArrayBuffer', () => new Uint8Array(2)],
    ['Number', () => Object(1)],
  ])(
    'a proxy of a %s fails its brand check: the call runs uncached, and the warning names the built-in',
    (name, make) => {
      const { fn, runs } = counted(`format-proxy-${name}`);
      const value = new Proxy(make() as object, {});
      fn(value);
      fn(value);
      expect(runs()).toBe(2);
      expect(warnings.some((warning) => warning.includes(`is ${name}'s but which is not a real ${name}`))).toBe(true);
    },
  );

  it("an error a built-in's accessor throws, other than the brand check's TypeError, reaches the caller", () => {
    const loud = new Proxy(/a/, {
      get(target, property) {
        if (property === 'lastIndex') throw new RangeError('lastIndex read');
        return Reflect.get(target, property);
      },
    });
    const { fn } = counted('format-loud-regexp');
    expect(() => fn(loud)).toThrow(RangeError);
  });
});
