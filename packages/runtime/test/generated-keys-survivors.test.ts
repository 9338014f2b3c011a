/**
 * The helpers compiled key code calls (`key/generated.ts`, through `@cachet/runtime/internal`),
 * checked on their own. The compiler's tests run generated code against the built runtime, which
 * Stryker does not mutate: a scoped run over this file found every mutant surviving the runtime's
 * tests (docs/testing.md, "Helpers of compiled keys and the codecs").
 *
 * What a slip here costs: two argument values sharing a key (an equality or a key text that
 * ignores a part of the value), a snapshot that follows the argument as the caller changes it, or
 * a value of the wrong type keyed like one of the right type. So the checks compare values that
 * must differ and values that must be equal, by hash, equality and text, and pin the hashes to
 * the mixing the generated code does inline (the module promises the same hash, snapshot and
 * text as the generated helpers it stands in for).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import {
  cacheKey,
  equalsDate,
  equalsNumbers,
  equalsStrings,
  hashBigint,
  hashBoolean,
  hashDate,
  hashNullish,
  hashNumber,
  hashNumbers,
  hashString,
  hashStrings,
  identity,
  instanceText,
  isObject,
  mix,
  notItsType,
  Other,
  ownNumber,
  ownString,
  reflectKey,
  sameNumber,
  snapshotDate,
  snapshotPrimitives,
  textDate,
  textNumbers,
  textStrings,
} from '../src/internal.js';
import { ClassTags, className } from '../src/key/class-tag.js';

/** The seed generated code starts a hash with is its own; any number does for these checks. */
const H = 0x811c9dc5 | 0;

/** FNV-1a style steps, written out: what `mix` must compute. */
function steps(h: number, xs: readonly number[]): number {
  for (const x of xs) h = Math.imul(h ^ x, 16777619);
  return h;
}

/** The steps of a string: its length, then its UTF-16 code units. */
function stringSteps(s: string): number[] {
  return [s.length, ...Array.from({ length: s.length }, (_, i) => s.charCodeAt(i))];
}

/** The steps of a number that is not an int32: integer part, high part, fraction. */
function wideSteps(n: number): number[] {
  return [n | 0, (n / 4294967296) | 0, ((n - Math.trunc(n)) * 4294967296) | 0];
}

const NOT_ITS_TYPE = { message: /not of its declared type/, code: 'CACHET_E_UNKEYABLE' };

class When extends Date {}
class Names extends Array<string> {}
class Figures extends Array<number> {}

/** A class keyed by its `[cacheKey]()`, its `name` set to `name` (a string or not). */
function named(name: unknown): new (id: number) => object {
  const C = class {
    constructor(readonly id: number) {}
    [cacheKey](): number {
      return this.id;
    }
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

/** Expects every hash to differ from every other. */
function allApart(hashes: readonly number[]): void {
  expect(new Set(hashes).size, `hashes ${hashes.join(', ')}`).toBe(hashes.length);
}

describe('type checks', () => {
  it('notItsType throws the Uncacheable signal, naming the reason', () => {
    const error = expectError(() => notItsType(), NOT_ITS_TYPE);
    expect((error as { reason?: string }).reason).toMatch(/passed from JavaScript or through an any/);
  });

  it('isObject takes objects, arrays and functions, and nothing else', () => {
    for (const v of [{}, [], () => 1, Object.create(null), new Date(0)]) expect(() => isObject(v)).not.toThrow();
    for (const v of [null, undefined, 0, 1, '', 'x', true, false, 1n, Symbol('s')]) {
      expectError(() => isObject(v), NOT_ITS_TYPE);
    }
  });

  it('each hash refuses a value of another type instead of keying it', () => {
    expectError(() => hashString(H, 1), NOT_ITS_TYPE);
    expectError(() => hashString(H, null), NOT_ITS_TYPE);
    expectError(() => hashNumber(H, '1'), NOT_ITS_TYPE);
    expectError(() => hashNumber(H, 1n), NOT_ITS_TYPE);
    expectError(() => hashNumber(H, null), NOT_ITS_TYPE);
    expectError(() => hashBigint(H, 1), NOT_ITS_TYPE);
    expectError(() => hashBigint(H, '1'), NOT_ITS_TYPE);
    for (const v of ['yes', 'true', 1, 0, null, undefined, new Boolean(true)]) {
      expectError(() => hashBoolean(H, v), NOT_ITS_TYPE);
    }
    expectError(() => hashNullish(H, undefined, null), NOT_ITS_TYPE);
    expectError(() => hashNullish(H, null, undefined), NOT_ITS_TYPE);
    expectError(() => hashNullish(H, 0, undefined), NOT_ITS_TYPE);
    for (const v of [null, undefined, 0, 'x', 1n]) {
      expectError(() => hashDate(H, v, false), NOT_ITS_TYPE);
      expectError(() => hashStrings(H, v, false), NOT_ITS_TYPE);
      expectError(() => hashNumbers(H, v, false), NOT_ITS_TYPE);
    }
    expectError(() => hashStrings(H, ['a', 1], false), NOT_ITS_TYPE);
    expectError(() => hashNumbers(H, [1, '2'], false), NOT_ITS_TYPE);
  });

  it('the checks pass values of their type', () => {
    expect(() => hashBoolean(H, true)).not.toThrow();
    expect(() => hashBoolean(H, false)).not.toThrow();
    expect(hashNullish(H, null, null)).toBe(steps(H, [3]));
    expect(hashNullish(H, undefined, undefined)).toBe(steps(H, [3]));
  });

  it('ownNumber and ownString hand back the value itself, or refuse', () => {
    expect(ownNumber(-0)).toBe(-0);
    expect(ownNumber(1.5)).toBe(1.5);
    expect(ownString('a')).toBe('a');
    expectError(() => ownNumber('1'), NOT_ITS_TYPE);
    expectError(() => ownNumber(undefined), NOT_ITS_TYPE);
    expectError(() => ownString(1), NOT_ITS_TYPE);
    expectError(() => ownString(undefined), NOT_ITS_TYPE);
  });
});

describe('hashes', () => {
  it('mix is one FNV-1a step', () => {
    expect(mix(H, 7)).toBe(steps(H, [7]));
    expect(mix(0, 0)).toBe(0);
  });

  it('a string hashes by its length and every code unit', () => {
    for (const s of ['', 'a', 'ab', 'ba', 'é\u{1F600}', 'a\0']) expect(hashString(H, s)).toBe(steps(H, stringSteps(s)));
    allApart(['', 'a', 'b', 'ab', 'ba', 'ac', 'a\0', '\0'].map((s) => hashString(H, s)));
  });

  it('a number hashes equal for 0 and -0 and for NaN, apart otherwise', () => {
    expect(hashNumber(H, -0)).toBe(hashNumber(H, 0));
    expect(hashNumber(H, Number.NaN)).toBe(hashNumber(H, 0 / 0));
    expect(hashNumber(H, 7)).toBe(steps(H, [7]));
    expect(hashNumber(H, -(2 ** 31))).toBe(steps(H, [-(2 ** 31)]));
    // 2 ** 30 + 2 ** -22: its fraction is the last bit its number holds (n + its integer part
    // would round it away).
    for (const n of [
      1.5,
      -1.5,
      2 ** 30 + 2 ** -22,
      2 ** 31,
      2 ** 32 + 1,
      2 ** 53,
      1e300,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]) {
      expect(hashNumber(H, n), String(n)).toBe(steps(H, wideSteps(n)));
    }
    // Not 0.5 beside 2 ** 31: a flipped top bit passes through each step, so those two collide
    // (a hash is a bucket; equality still tells them apart).
    allApart(
      [0, 1, 1.5, 1.25, -1.5, 0.75, 0.25, 2 ** 31, -(2 ** 31), 2 ** 32 + 1, 2 ** 33 + 1, 2 ** 40, Number.NaN].map((n) =>
        hashNumber(H, n),
      ),
    );
  });

  it('a bigint hashes as its number', () => {
    expect(hashBigint(H, 5n)).toBe(hashNumber(H, 5));
    expect(hashBigint(H, 2n ** 40n)).toBe(hashNumber(H, 2 ** 40));
    allApart([0n, 1n, 2n, -1n, 2n ** 40n].map((n) => hashBigint(H, n)));
  });

  it('true and false hash apart', () => {
    expect(hashBoolean(H, true)).toBe(steps(H, [1]));
    expect(hashBoolean(H, false)).toBe(steps(H, [2]));
  });

  it('a Date hashes by its time; a subclass by its instance text', () => {
    const d = new Date(1_700_000_000_123);
    expect(hashDate(H, d, false)).toBe(hashNumber(H, d.getTime()));
    expect(hashDate(H, new Date(d.getTime()), true)).toBe(hashDate(H, d, true));
    const w = new When(d.getTime());
    for (const local of [false, true]) {
      expect(hashDate(H, w, local)).toBe(hashString(mix(H, 9), instanceText(w, local)));
    }
    allApart([new Date(0), new Date(1), d, new When(0), new When(1)].map((v) => hashDate(H, v, false)));
  });

  it('a string[] hashes by its length and every string; a subclass by its instance text', () => {
    expect(hashStrings(H, ['ab', ''], false)).toBe(steps(H, [2, ...stringSteps('ab'), ...stringSteps('')]));
    const n = Names.from(['a']);
    expect(hashStrings(H, n, true)).toBe(hashString(mix(H, 9), instanceText(n, true)));
    const groups = [[], [''], ['', ''], ['a'], ['b'], ['ab'], ['a', 'b'], ['b', 'a'], ['a', 'c']];
    allApart([...groups.map((v) => hashStrings(H, v, false)), hashStrings(H, Names.from(['b']), false)]);
  });

  it('a number[] hashes by its length and every number; a subclass by its instance text', () => {
    expect(hashNumbers(H, [1, 1.5], false)).toBe(steps(H, [2, 1, ...wideSteps(1.5)]));
    expect(hashNumbers(H, [-0, Number.NaN], false)).toBe(hashNumbers(H, [0, Number.NaN], false));
    const f = Figures.from([1]);
    expect(hashNumbers(H, f, false)).toBe(hashString(mix(H, 9), instanceText(f, false)));
    const groups = [[], [0], [0, 0], [1], [2], [1, 2], [2, 1], [1.5], [1, 3]];
    allApart([...groups.map((v) => hashNumbers(H, v, false)), hashNumbers(H, Figures.from([2]), false)]);
  });
});

describe('sameNumber', () => {
  it.each([
    [1, 1, true],
    [0, -0, true],
    [-0, 0, true],
    [Number.NaN, Number.NaN, true],
    [1, 2, false],
    [Number.NaN, 1, false],
    [1, Number.NaN, false],
    [0, Number.NaN, false],
    [Number.NaN, 0, false],
  ])('sameNumber(%s, %s) is %s', (a, b, same) => {
    expect(sameNumber(a, b)).toBe(same);
  });
});

describe('snapshots, equality and key text', () => {
  it('an Other holds the text it was made with', () => {
    expect(new Other('x').t).toBe('x');
  });

  it('a Date: a private copy, equal by time, the text of its time', () => {
    const d = new Date(5);
    const s = snapshotDate(d, false);
    expect(s).toBeInstanceOf(Date);
    expect(s).not.toBe(d);
    d.setTime(6);
    expect((s as Date).getTime()).toBe(5);
    expect(equalsDate(s, new Date(5), false)).toBe(true);
    expect(equalsDate(s, d, false)).toBe(false);
    expect(equalsDate(snapshotDate(new Date(Number.NaN), false), new Date(Number.NaN), false)).toBe(true);
    expect(equalsDate(snapshotDate(new Date(Number.NaN), false), new Date(0), false)).toBe(false);
    expect(textDate(new Date(5), false)).toBe('D5');
    expect(textDate(new Date(-5), true)).toBe('D-5');
  });

  it('a Date subclass: an Other of its instance text, never equal to a Date of the same time', () => {
    const w = new When(5);
    const text = instanceText(w, false);
    const s = snapshotDate(w, false);
    expect(s).toBeInstanceOf(Other);
    expect((s as Other).t).toBe(text);
    expect(equalsDate(s, new When(5), false)).toBe(true);
    expect(equalsDate(s, new When(6), false)).toBe(false);
    expect(equalsDate(new Other('not its text'), new When(5), false)).toBe(false);
    // The Date and the subclass of one time: neither's snapshot equals the other.
    expect(equalsDate(s, new Date(5), false)).toBe(false);
    expect(equalsDate(snapshotDate(new Date(5), false), w, false)).toBe(false);
    expect(textDate(w, false)).toBe(`@${text}`);
    expect(textDate(w, false)).not.toBe(textDate(new Date(5), false));
  });

  it('a string[]: a private copy, equal element by element, its strings quoted', () => {
    const v = ['a', 'b'];
    const s = snapshotPrimitives(v, false);
    expect(Array.isArray(s)).toBe(true);
    expect(s).not.toBe(v);
    expect(s).toEqual(['a', 'b']);
    v[0] = 'z';
    v.push('c');
    expect(s).toEqual(['a', 'b']);
    expect(equalsStrings(s, ['a', 'b'], false)).toBe(true);
    expect(equalsStrings(s, v, false)).toBe(false);
    expect(equalsStrings(s, ['a'], false)).toBe(false);
    expect(equalsStrings(s, ['a', 'b', 'c'], false)).toBe(false);
    expect(equalsStrings(s, ['x', 'b'], false)).toBe(false);
    expect(equalsStrings(s, ['a', 'x'], false)).toBe(false);
    expect(equalsStrings(snapshotPrimitives([], false), [], false)).toBe(true);
    // Snapshots that are not arrays never equal an array, whatever they hold.
    expect(equalsStrings('ab', ['a', 'b'], false)).toBe(false);
    expect(equalsStrings({ length: 1, 0: 'a' }, ['a'], false)).toBe(false);
    expect(equalsStrings(new Other(textStrings(['a'], false)), ['a'], false)).toBe(false);
    expect(textStrings(['a', 'b'], false)).toBe('["a","b"]');
    expect(textStrings([], false)).toBe('[]');
    expect(textStrings([''], false)).toBe('[""]');
    expect(textStrings(['a,b'], false)).toBe('["a,b"]');
    expect(textStrings(['a', 'b'], false)).not.toBe(textStrings(['a,b'], false));
    expect(textStrings(['"', '\\'], true)).toBe('["\\"","\\\\"]');
  });

  it('a number[]: a private copy, equal as numbers as keys (NaN, -0), its numbers written', () => {
    const v = [1, Number.NaN, -0];
    const s = snapshotPrimitives(v, false);
    expect(s).not.toBe(v);
    v[0] = 2;
    expect(s).toEqual([1, Number.NaN, -0]);
    expect(equalsNumbers(s, [1, Number.NaN, 0], false)).toBe(true);
    expect(equalsNumbers(s, v, false)).toBe(false);
    expect(equalsNumbers(s, [1, Number.NaN], false)).toBe(false);
    expect(equalsNumbers(s, [1, Number.NaN, 0, 0], false)).toBe(false);
    expect(equalsNumbers(s, [1, 0, 0], false)).toBe(false);
    expect(equalsNumbers(s, [1, Number.NaN, 1], false)).toBe(false);
    expect(equalsNumbers([], [], false)).toBe(true);
    expect(equalsNumbers({ length: 1, 0: 1 }, [1], false)).toBe(false);
    expect(equalsNumbers(new Other(textNumbers([1], false)), [1], false)).toBe(false);
    expect(textNumbers([1, -0, Number.NaN, 1.5], false)).toBe('[1,0,NaN,1.5]');
    expect(textNumbers([], true)).toBe('[]');
    expect(textNumbers([1, 2], false)).not.toBe(textNumbers([12], false));
  });

  it('an array subclass: an Other of its instance text, never equal to an array of the same items', () => {
    for (const [v, like] of [
      [Names.from(['a']), ['a']],
      [Figures.from([1]), [1]],
    ] as const) {
      const text = instanceText(v, false);
      const s = snapshotPrimitives(v, false);
      expect(s).toBeInstanceOf(Other);
      expect((s as Other).t).toBe(text);
      const equals = typeof like[0] === 'string' ? equalsStrings : equalsNumbers;
      const textOf = typeof like[0] === 'string' ? textStrings : textNumbers;
      expect(equals(s, v as never, false)).toBe(true);
      expect(equals(new Other('not its text'), v as never, false)).toBe(false);
      expect(equals(s, like as never, false)).toBe(false);
      expect(equals(snapshotPrimitives(like, false), v as never, false)).toBe(false);
      expect(textOf(v as never, false)).toBe(`@${text}`);
      expect(textOf(v as never, false)).not.toBe(textOf(like as never, false));
    }
  });
});

describe('identity numbers and class tags (key/identity.ts, key/class-tag.ts)', () => {
  it('a symbol made by Symbol.for has one number, apart from every other (compiled code keys a symbol so)', () => {
    // A WeakMap refuses registered symbols: were symbols held there, this call would throw.
    const a = Symbol.for('cachet.identity.a');
    const id = identity(a);
    expect(identity(Symbol.for('cachet.identity.a'))).toBe(id);
    expect(identity(Symbol.for('cachet.identity.b'))).not.toBe(id);
    const mine = Symbol('mine');
    expect(identity(mine)).toBe(identity(mine));
    expect(new Set([id, identity(mine), identity(Symbol.iterator), identity({}), identity(() => 1)]).size).toBe(5);
  });

  it('an object keyed by identity is not kept alive by it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const ref = ((): WeakRef<object> => {
      const o = {};
      identity(o);
      return new WeakRef(o);
    })();
    // A WeakRef holds its target to the end of the job that made or read it: collect in a new one.
    let collected = false;
    for (let i = 0; i < 5 && !collected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      collected = ref.deref() === undefined;
    }
    expect(collected).toBe(true);
  });

  it('className: the constructor name, "" when there is none or it is not a string, "null" for no prototype', () => {
    class Cat {}
    expect(className(Cat.prototype)).toBe('Cat');
    expect(className(null)).toBe('null');
    expect(className(Object.create(null))).toBe('');
    expect(className({ constructor: 1 })).toBe('');
    expect(className(named(42).prototype)).toBe('');
  });

  it('a class whose name is not a string is tagged as anonymous', () => {
    const Numbered = named(42);
    expect(new ClassTags().tag(Numbered.prototype, false)).toBe('""');
    expect(reflectKey(new Numbered(1))).toBe('K""(d1)');
  });

  it('a quote or backslash in a class name is escaped: "a\\"b" and "ab" never share a tag', () => {
    const tags = new ClassTags();
    const quoted = named('a"b');
    const slashed = named('a\\b');
    const plain = named('ab');
    expect(tags.tag(quoted.prototype, false)).toBe('"a\\"b"');
    expect(tags.tag(slashed.prototype, false)).toBe('"a\\\\b"');
    expect(tags.tag(plain.prototype, false)).toBe('"ab"');
    const keys = [quoted, slashed, plain].map((C) => reflectKey(new C(1)));
    expect(new Set(keys).size).toBe(3);
  });

  it('two anonymous classes cannot share a persistent tag: the second is refused, named as anonymous', () => {
    const make = (): (new () => object) =>
      class {
        [cacheKey](): number {
          return 1;
        }
      };
    const tags = new ClassTags();
    const first = make();
    const second = make();
    expect(first.name).toBe('');
    expect(tags.tag(first.prototype, false)).toBe('""');
    expect(tags.tag(first.prototype, false)).toBe('""');
    expectError(() => tags.tag(second.prototype, false), {
      message: /^two different classes named \(anonymous\) cannot be told apart in a persistent key/,
      code: 'CACHET_E_UNKEYABLE',
    });
    // In a local key each is its own prototype's number.
    expect(tags.tag(first.prototype, true)).not.toBe(tags.tag(second.prototype, true));
    expect(tags.tag(first.prototype, true)).toBe(`#${identity(first.prototype)}`);
  });
});
