import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { isCachetError } from '../src/errors.js';
import { identity, instanceText, proto, reflectArgs, reflectKey, uncacheable } from '../src/internal.js';
import { cacheKey } from '../src/key/symbols.js';

const same = (a: unknown, b: unknown, local = false): boolean => reflectKey(a, local) === reflectKey(b, local);

/** The reason reflectKey refuses `value`, or undefined when it keys it. */
function refusal(value: unknown, local = false): string | undefined {
  try {
    reflectKey(value, local);
    return undefined;
  } catch (error) {
    expect(isCachetError(error, 'CACHET_E_UNKEYABLE')).toBe(true);
    return (error as { reason: string }).reason;
  }
}

describe('reflective keys of plain objects', () => {
  it('tell an object without a prototype from a plain one with the same fields', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 0, b: -1 });
    expect(same({ a: 0, b: -1 }, bare)).toBe(false);
    expect(same({}, Object.create(null))).toBe(false);
    expect(same(bare, Object.assign(Object.create(null) as object, { b: -1, a: 0 }))).toBe(true);
  });
});

describe('reflective keys of built-ins, by internal value', () => {
  it('Date by time, invalid dates alike', () => {
    expect(same(new Date(5), new Date(5))).toBe(true);
    expect(same(new Date(5), new Date(6))).toBe(false);
    expect(same(new Date(Number.NaN), new Date(Number.NaN))).toBe(true);
  });

  it('arrays by elements in order, holes as undefined', () => {
    expect(same([1, [2]], [1, [2]])).toBe(true);
    expect(same([1, 2], [2, 1])).toBe(false);
    // biome-ignore lint/suspicious/noSparseArray: a hole reads as undefined
    expect(same([, 1], [undefined, 1])).toBe(true);
  });

  it('Map and Set as unordered collections, nested values by value', () => {
    expect(same(new Map([[{ a: 1 }, new Set([1, 2])]]), new Map([[{ a: 1 }, new Set([2, 1])]]))).toBe(true);
    expect(same(new Map([[{ a: 1 }, 1]]), new Map([[{ a: 2 }, 1]]))).toBe(false);
    expect(same(new Set(['1']), new Set([1]))).toBe(false);
    expect(same(new Map(), new Set())).toBe(false);
    expect(same(new Map([[1, 2]]), new Map([[2, 1]]))).toBe(false);
  });

  it('every typed array by type and bytes, ArrayBuffer and DataView by bytes', () => {
    const kinds = [
      Uint8Array,
      Int8Array,
      Uint16Array,
      Int16Array,
      Uint32Array,
      Int32Array,
      Float32Array,
      Float64Array,
      Uint8ClampedArray,
    ] as const;
    const texts = new Set<string>();
    for (const Kind of kinds) {
      expect(same(new Kind([1, 2]), new Kind([1, 2]))).toBe(true);
      expect(same(new Kind([1, 2]), new Kind([1, 3]))).toBe(false);
      texts.add(reflectKey(new Kind([1, 2])));
    }
    for (const Kind of [BigInt64Array, BigUint64Array] as const) {
      expect(same(new Kind([1n]), new Kind([1n]))).toBe(true);
      expect(same(new Kind([1n]), new Kind([2n]))).toBe(false);
      texts.add(reflectKey(new Kind([1n, 2n])));
    }
    expect(texts.size).toBe(11);
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    expect(same(new Uint8Array(buffer, 1, 2), new Uint8Array([2, 3]))).toBe(true); // a view keys its bytes only
    expect(same(buffer, new Uint8Array([1, 2, 3, 4]).buffer)).toBe(true);
    expect(same(buffer, new Uint8Array([1, 2, 3, 5]).buffer)).toBe(false);
    expect(same(new DataView(buffer, 1, 2), new DataView(new Uint8Array([9, 2, 3]).buffer, 1))).toBe(true);
    expect(same(new DataView(buffer), buffer)).toBe(false);
  });

  it('RegExp by source and flags, and by lastIndex when mid-way', () => {
    expect(same(/a/g, /a/g)).toBe(true);
    expect(same(/a/g, /a/i)).toBe(false);
    expect(same(/a/, /b/)).toBe(false);
    const moved = /a/g;
    moved.lastIndex = 3;
    expect(same(moved, /a/g)).toBe(false);
  });

  it('URL by href, URLSearchParams by their text', () => {
    expect(same(new URL('https://a.example/x?q=1'), new URL('https://a.example/x?q=1'))).toBe(true);
    expect(same(new URL('https://a.example/x?q=1'), new URL('https://a.example/x?q=2'))).toBe(false);
    expect(same(new URL('https://a.example/'), 'https://a.example/')).toBe(false);
    expect(same(new URLSearchParams('a=1&b=2'), new URLSearchParams('a=1&b=2'))).toBe(true);
    expect(same(new URLSearchParams('a=1&b=2'), new URLSearchParams('b=2&a=1'))).toBe(false);
  });

  it('Error by name, message, cause, errors and own fields', () => {
    expect(same(new Error('x'), new Error('x'))).toBe(true);
    expect(same(new Error('x'), new Error('y'))).toBe(false);
    expect(same(new Error('x'), new TypeError('x'))).toBe(false);
    expect(same(new Error('x', { cause: 1 }), new Error('x', { cause: 2 }))).toBe(false);
    expect(same(new Error('x', { cause: undefined }), new Error('x'))).toBe(false);
    expect(same(Object.assign(new Error('x'), { code: 'A' }), Object.assign(new Error('x'), { code: 'B' }))).toBe(
      false,
    );
    expect(same(new AggregateError([1], 'x'), new AggregateError([2], 'x'))).toBe(false);
    expect(same(new AggregateError([1], 'x'), new AggregateError([1], 'x'))).toBe(true);
  });

  it('boxed primitives by their value, apart from the primitive', () => {
    expect(same(new Number(1), new Number(1))).toBe(true);
    expect(same(new Number(1), new Number(2))).toBe(false);
    expect(same(new Number(1), 1)).toBe(false);
    expect(same(new Boolean(true), new Boolean(false))).toBe(false);
    expect(same(new String('a'), new String('b'))).toBe(false);
    expect(same(Object(1n), Object(2n))).toBe(false);
    expect(same(new String('1'), new Number(1))).toBe(false);
  });

  it('a value only pretending to be a built-in is refused, not guessed', () => {
    expect(refusal(Object.create(Date.prototype))).toMatch(/not a real Date/);
    expect(refusal(Object.create(Map.prototype))).toMatch(/not a real Map/);
  });
});

describe('reflective keys of subclasses: class, internal value and own fields', () => {
  class ZonedDate extends Date {
    constructor(
      time: number,
      readonly zone: string,
    ) {
      super(time);
    }
  }
  class OtherDate extends Date {
    constructor(
      time: number,
      readonly zone: string,
    ) {
      super(time);
    }
  }

  it('a Date subclass keys its time, its class and its zone', () => {
    expect(same(new ZonedDate(0, 'UTC'), new ZonedDate(0, 'UTC'))).toBe(true);
    expect(same(new ZonedDate(0, 'UTC'), new ZonedDate(0, 'Asia/Tokyo'))).toBe(false);
    expect(same(new ZonedDate(0, 'UTC'), new ZonedDate(1, 'UTC'))).toBe(false);
    expect(same(new ZonedDate(0, 'UTC'), new Date(0))).toBe(false);
    expect(same(new ZonedDate(0, 'UTC'), new OtherDate(0, 'UTC'))).toBe(false);
  });

  it('a Node Buffer keys its bytes and its class', () => {
    expect(same(Buffer.from([1, 2]), Buffer.from([1, 2]))).toBe(true);
    expect(same(Buffer.from([1, 2]), Buffer.from([1, 3]))).toBe(false);
    expect(same(Buffer.from([1, 2]), new Uint8Array([1, 2]))).toBe(false);
  });

  it('a subclass overriding the built-in methods cannot hide its internal value', () => {
    class Liar extends Date {
      override getTime(): number {
        return 0;
      }
    }
    expect(same(new Liar(1), new Liar(2))).toBe(false);
  });

  it('Map, Set, Array, Error, RegExp, typed array and boxed subclasses', () => {
    class Registry extends Map<string, number> {}
    class Tags extends Set<string> {}
    class Stack extends Array<number> {}
    class HttpError extends Error {
      constructor(readonly status: number) {
        super('http');
      }
    }
    class Pattern extends RegExp {}
    class Bytes extends Uint8Array {}
    class Amount extends Number {}
    expect(same(new Registry([['a', 1]]), new Registry([['a', 1]]))).toBe(true);
    expect(same(new Registry([['a', 1]]), new Registry([['a', 2]]))).toBe(false);
    expect(same(new Registry([['a', 1]]), new Map([['a', 1]]))).toBe(false);
    expect(same(new Tags(['a']), new Tags(['b']))).toBe(false);
    expect(same(Stack.from([1, 2]), Stack.from([1, 2]))).toBe(true);
    expect(same(Stack.from([1, 2]), Stack.from([1, 3]))).toBe(false);
    expect(same(Stack.from([1, 2]), [1, 2])).toBe(false);
    expect(same(new HttpError(404), new HttpError(404))).toBe(true);
    expect(same(new HttpError(404), new HttpError(500))).toBe(false);
    expect(same(new Pattern('a', 'g'), /a/g)).toBe(false);
    expect(same(new Bytes([1]), new Bytes([2]))).toBe(false);
    expect(same(new Bytes([1]), new Uint8Array([1]))).toBe(false);
    expect(same(new Amount(1), new Amount(2))).toBe(false);
  });
});

describe('reflective keys of classes', () => {
  it('a class instance without [cacheKey]() is refused, naming the class and the fix', () => {
    class Secret {
      #hidden: number;
      constructor(hidden: number) {
        this.#hidden = hidden;
      }
      get hidden(): number {
        return this.#hidden;
      }
    }
    const reason = refusal({ nested: [new Secret(1)] });
    expect(reason).toMatch(/Secret instances/);
    expect(reason).toMatch(/\[cacheKey\]\(\)/);
    expect(reason).toMatch(/plain object/);
    expect(refusal(new Secret(1), true)).toMatch(/Secret/);
  });

  it('[cacheKey]() results key with their class: two classes with equal results differ', () => {
    class Cat {
      constructor(readonly id: number) {}
      [cacheKey](): number {
        return this.id;
      }
    }
    class Dog {
      constructor(readonly id: number) {}
      [cacheKey](): number {
        return this.id;
      }
    }
    expect(same(new Cat(1), new Cat(1))).toBe(true);
    expect(same(new Cat(1), new Dog(1))).toBe(false);
    expect(same(new Cat(1), new Dog(1), true)).toBe(false);
    expect(same(new Cat(1), 1)).toBe(false);
  });

  it('two different classes of one name: distinct in local keys, refused in persistent ones', () => {
    const make = () =>
      class Twin {
        constructor(readonly id: number) {}
        [cacheKey](): number {
          return this.id;
        }
      };
    const A = make();
    const B = make();
    expect(same(new A(1), new B(1), true)).toBe(false);
    expect(reflectKey(new A(1))).toBe(reflectKey(new A(1)));
    expect(refusal(new B(1))).toMatch(/two different classes named Twin/);
  });

  it('a [cacheKey]() returning its own instance terminates', () => {
    class Self {
      [cacheKey](): unknown {
        return this;
      }
    }
    expect(reflectKey(new Self())).toMatch(/\^1/);
  });
});

describe('cycles and depth', () => {
  it('equal cyclic structures share a key, different ones do not', () => {
    const ring = (n: number, label: string) => {
      const nodes = Array.from({ length: n }, (_, i) => ({ label: `${label}${i}`, next: undefined as unknown }));
      nodes.forEach((node, i) => {
        node.next = nodes[(i + 1) % n];
      });
      return nodes[0];
    };
    expect(same(ring(3, 'a'), ring(3, 'a'))).toBe(true);
    expect(same(ring(3, 'a'), ring(4, 'a'))).toBe(false);
    expect(same(ring(3, 'a'), ring(3, 'b'))).toBe(false);
    const m1 = new Map<string, unknown>();
    m1.set('me', m1);
    const m2 = new Map<string, unknown>();
    m2.set('me', m2);
    expect(same(m1, m2)).toBe(true);
    const s1 = new Set<unknown>();
    s1.add(s1).add(1);
    const s2 = new Set<unknown>();
    s2.add(2).add(s2);
    expect(same(s1, s2)).toBe(false);
    const list: unknown[] = [1];
    list.push(list);
    expect(reflectKey(list)).toBe('[d1,^1]');
  });

  it('a shared (acyclic) object is keyed by value at each place', () => {
    const shared = { a: 1 };
    expect(same([shared, shared], [{ a: 1 }, { a: 1 }])).toBe(true);
  });

  it('encodes values nested 100 000 deep without overflowing the stack', () => {
    let array: unknown[] = [];
    let object: Record<string, unknown> = {};
    let map = new Map<number, unknown>();
    for (let i = 0; i < 100_000; i++) {
      array = [array];
      object = { x: object };
      map = new Map([[i % 2, map]]);
    }
    const text = reflectKey(array);
    expect(text.length).toBe(200_002);
    expect(reflectKey(object).length).toBeGreaterThan(500_000);
    expect(reflectKey(map).length).toBeGreaterThan(500_000);
    let other: unknown[] = [1];
    for (let i = 0; i < 100_000; i++) other = [other];
    expect(reflectKey(other)).not.toBe(text);
    const cyclic: Record<string, unknown> = {};
    let tail = cyclic;
    for (let i = 0; i < 100_000; i++) tail = tail.x = {};
    tail.x = cyclic;
    expect(reflectKey(cyclic)).toMatch(/\^100001}+$/);
  });
});

describe('functions and symbols', () => {
  const f = () => 1;
  const g = () => 1;

  it('in local keys, by identity', () => {
    expect(same(f, f, true)).toBe(true);
    expect(same(f, g, true)).toBe(false);
    expect(same({ cb: f }, { cb: f }, true)).toBe(true);
    expect(same({ cb: f }, { cb: g }, true)).toBe(false);
    const s = Symbol('s');
    expect(same(s, s, true)).toBe(true);
    expect(same(s, Symbol('s'), true)).toBe(false);
    expect(same({ [s]: 1 }, { [s]: 1 }, true)).toBe(true);
    expect(same({ [s]: 1 }, { [Symbol('s')]: 1 }, true)).toBe(false);
  });

  it('in persistent keys, refused', () => {
    expect(refusal(f)).toMatch(/function/);
    expect(refusal({ options: { locale: { format: f } } })).toMatch(/storage=memory/);
    expect(refusal(Symbol('s'))).toMatch(/Symbol\.for/);
    expect(refusal({ [Symbol('s')]: 1 })).toMatch(/Symbol\.for/);
  });

  it('Symbol.for by description, in both; symbol keys are part of the key', () => {
    expect(same(Symbol.for('a'), Symbol.for('a'))).toBe(true);
    expect(same(Symbol.for('a'), Symbol.for('b'))).toBe(false);
    expect(same(Symbol.for('a'), 'a')).toBe(false);
    expect(same({ [Symbol.for('k')]: 1 }, { [Symbol.for('k')]: 2 })).toBe(false);
    expect(same({ [Symbol.for('k')]: 1 }, {})).toBe(false);
    expect(same({ [Symbol.for('k')]: 1 }, { k: 1 })).toBe(false);
    expect(same({ [Symbol.for('a')]: 1, [Symbol.for('b')]: 2 }, { [Symbol.for('b')]: 2, [Symbol.for('a')]: 1 })).toBe(
      true,
    );
    const hidden = {};
    Object.defineProperty(hidden, Symbol.for('k'), { value: 1, enumerable: false });
    expect(same(hidden, {})).toBe(true);
  });

  it('WeakMap, WeakSet, WeakRef and Promise are refused, local or not', () => {
    for (const local of [false, true]) {
      expect(refusal(new WeakMap(), local)).toMatch(/WeakMap/);
      expect(refusal([new WeakSet()], local)).toMatch(/WeakSet/);
      expect(refusal({ r: new WeakRef({}) }, local)).toMatch(/WeakRef/);
      expect(refusal(Promise.resolve(1), local)).toMatch(/Promise/);
    }
  });
});

describe('what the encoder throws', () => {
  it('errors of user getters and [cacheKey]() propagate as they are', () => {
    const boom = new Error('getter');
    const value = {
      get x(): number {
        throw boom;
      },
    };
    expect(() => reflectKey(value)).toThrow(boom);
    class Bad {
      [cacheKey](): never {
        throw new RangeError('custom');
      }
    }
    expect(() => reflectKey([new Bad()])).toThrow(RangeError);
  });

  it('a getter calling the encoder re-entrantly gets its own state', () => {
    const value = {
      get a(): string {
        return reflectKey({ inner: [1, 2] });
      },
      b: [3],
    };
    expect(reflectKey(value)).toBe(`{"a":s${JSON.stringify('{"inner":[d1,d2]}').replace(/\\"/g, '\\"')},"b":[d3]}`);
  });

  it('uncacheable(reason) throws the signal with that reason', () => {
    let caught: unknown;
    try {
      uncacheable('because');
    } catch (error) {
      caught = error;
    }
    expect((caught as { reason: string }).reason).toBe('because');
    expect(isCachetError(caught, 'CACHET_E_UNKEYABLE')).toBe(true);
  });
});

describe('the members generated code uses', () => {
  it('proto holds the built-in prototypes, frozen', () => {
    expect(Object.isFrozen(proto)).toBe(true);
    expect(proto.Date).toBe(Date.prototype);
    expect(proto.Object).toBe(Object.prototype);
    expect(proto.URLSearchParams).toBe(URLSearchParams.prototype);
    expect(proto.BigUint64Array).toBe(BigUint64Array.prototype);
    expect(Object.keys(proto)).toHaveLength(24);
  });

  it('identity is stable per value and distinct across values', () => {
    const f = () => 1;
    const s = Symbol('x');
    const o = {};
    expect(identity(f)).toBe(identity(f));
    expect(identity(s)).toBe(identity(s));
    expect(new Set([identity(f), identity(s), identity(o), identity(() => 1), identity(Symbol('x'))]).size).toBe(5);
  });

  it('instanceText keys class, built-in value and own fields', () => {
    class Kitten {
      constructor(readonly name: string) {}
    }
    class Puppy {
      constructor(readonly name: string) {}
    }
    class Tz extends Date {
      constructor(
        t: number,
        readonly zone: string,
      ) {
        super(t);
      }
    }
    for (const local of [false, true]) {
      expect(instanceText(new Kitten('a'), local)).toBe(instanceText(new Kitten('a'), local));
      expect(instanceText(new Kitten('a'), local)).not.toBe(instanceText(new Kitten('b'), local));
      expect(instanceText(new Kitten('a'), local)).not.toBe(instanceText(new Puppy('a'), local));
      expect(instanceText(new Tz(1, 'UTC'), local)).not.toBe(instanceText(new Tz(2, 'UTC'), local));
      expect(instanceText(new Tz(1, 'UTC'), local)).not.toBe(instanceText(new Tz(1, 'CET'), local));
      expect(instanceText({ name: 'a' }, local)).not.toBe(instanceText(new Kitten('a'), local));
    }
    expect(instanceText(new Kitten('a'), false)).toBe('C"Kitten"(-){"name":s"a"}');
    expect(instanceText(new Tz(1, 'UTC'), false)).toBe('C"Tz"(D1){"zone":s"UTC"}');
    expectError(() => instanceText(new Kitten('a'), false) + reflectKey({ nested: new Kitten('a') }), {
      code: 'CACHET_E_UNKEYABLE',
      message: /Kitten instances/,
    });
  });

  it('reflectArgs is the arguments’ reflectKey texts joined by commas (what `cachet show` rebuilds)', () => {
    const args = [1, 'a', { b: [new Date(3)] }, new Map([[1, 2]])];
    expect(reflectArgs(args)).toBe(args.map((arg) => reflectKey(arg)).join(','));
  });
});
