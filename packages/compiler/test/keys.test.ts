/**
 * Keys that are right for the types real code passes: each rule compiles a fixture with the real
 * compiler, runs the output with node and checks which calls hit (shared key) and which miss.
 */
import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, build, misses } from './keys-harness.js';

describe('class identity', { timeout: BUILD_TIMEOUT }, () => {
  it('Cat and Dog with equal fields never share a key; equal instances do', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
export class Cat { constructor(public name: string) {} }
export class Dog { constructor(public name: string) {} }
/** @cached storage=memory */
export function greet(pet: Cat | Dog): string { calls++; return pet.constructor.name + pet.name; }
/** @cached storage=memory */
export function one(cat: Cat): string { calls++; return cat.constructor.name + cat.name; }
`);
    expect(diagnostics).toEqual([]);
    type Pet = new (name: string) => { name: string };
    const { Cat, Dog } = mod as { Cat: Pet; Dog: Pet };
    expect(misses(mod, mod.greet, [new Cat('a')], [new Dog('a')], [new Cat('a')], [new Dog('a')])).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(mod.greet(new Dog('x'))).toBe('Dogx');
    class Kitten extends Cat {}
    expect(misses(mod, mod.one, [new Cat('b')], [new Kitten('b')], [new Kitten('b')], [new Cat('b')])).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(mod.one(new Kitten('z'))).toBe('Kittenz');
  });

  it('a class not reachable by name is keyed with its class by the runtime', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
/** @cached storage=memory */
export function area(shape: Square): number { calls++; return shape.side ** 2; }
export class Square { constructor(public side: number) {} }
`);
    expect(diagnostics).toEqual([]);
    class Other {
      constructor(public side: number) {}
    }
    expect(
      misses(mod, mod.area, [new mod.Square(2)], [new Other(2)], [new mod.Square(2)], [new mod.Square(3)]),
    ).toEqual([true, true, false, true]);
  });
});

describe('imported classes', { timeout: BUILD_TIMEOUT }, () => {
  it('are checked against the imported class, with class identity in the key', async () => {
    const { mod, code, diagnostics } = await build(
      `
export let calls = 0;
import { Cat, Dog as Hound } from './pets.js';
export { Cat, Hound };
/** @cached storage=sqlite */
export function greet(pet: Cat | Hound): string { calls++; return pet.name; }
`,
      ['__cachet$greet$text as greetText'],
      false,
      {
        'pets.ts':
          'export class Cat { constructor(public name: string) {} }\nexport class Dog { constructor(public name: string) {} }\n',
      },
    );
    expect(diagnostics).toEqual([]);
    expect(code).toContain('import { Dog as __cachet$class$Hound } from "./pets.js";');
    const text = (pet: unknown) => mod.greetText([pet]);
    expect(text(new mod.Cat('a'))).toBe(text(new mod.Cat('a')));
    expect(text(new mod.Cat('a'))).not.toBe(text(new mod.Hound('a')));
    expect(text(new mod.Cat('a'))).toMatch(/^C"__cachet\$class\$Cat":/);
  });

  it('reached through a type-only export, or declared ambient, are keyed by the runtime', async () => {
    const { code, diagnostics } = await build(
      `
import { Cat } from './reexport.js';
declare class Ghost { name: string }
/** @cached storage=memory */
export function greet(pet: Cat, ghost: Ghost): string { return pet.name + ghost.name; }
`,
      [],
      false,
      {
        'pets.ts': 'export class Cat { constructor(public name: string) {} }\n',
        'reexport.ts': "export type { Cat } from './pets.js';\n",
      },
    );
    expect(diagnostics).toEqual([]);
    expect(code).not.toContain('import { Cat as');
    expect(code).not.toContain('Ghost.prototype');
    expect(code).toContain('__cachet.instanceText(a[0], true)');
    expect(code).toContain('__cachet.instanceText(a[1], true)');
  });
});

describe('built-ins by internal value', { timeout: BUILD_TIMEOUT }, () => {
  it('a Date subclass at the same instant in another zone gets another key', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
/** @cached storage=memory */
export function format(d: Date): string { calls++; return String(d); }
`);
    expect(diagnostics).toEqual([]);
    class ZonedDate extends Date {
      constructor(
        time: number,
        public zone: string,
      ) {
        super(time);
      }
    }
    expect(
      misses(
        mod,
        mod.format,
        [new Date(5)],
        [new ZonedDate(5, 'Europe/Paris')],
        [new ZonedDate(5, 'Asia/Tokyo')],
        [new ZonedDate(5, 'Europe/Paris')],
        [new Date(5)],
        [new Date(6)],
      ),
    ).toEqual([true, true, true, false, false, true]);
  });

  it('Map subclasses, RegExp, URL, URLSearchParams, ArrayBuffer and Error', async () => {
    const { mod, diagnostics } = await build(
      `
export let calls = 0;
/** @cached storage=memory */
export function m(x: Map<string, number>): number { calls++; return x.size; }
/** @cached storage=memory */
export function r(x: RegExp): string { calls++; return x.source; }
/** @cached storage=memory */
export function u(x: URL, q: URLSearchParams): string { calls++; return x.href + q; }
/** @cached storage=memory */
export function b(x: ArrayBuffer): number { calls++; return x.byteLength; }
/** @cached storage=memory */
export function e(x: Error): string { calls++; return x.message; }
`,
      [],
      true,
    );
    expect(diagnostics).toEqual([]);
    class Tagged extends Map<string, number> {
      tag = 'x';
    }
    const tagged = (tag: string) => Object.assign(new Tagged([['a', 1]]), { tag });
    expect(misses(mod, mod.m, [new Map([['a', 1]])], [tagged('x')], [tagged('y')], [tagged('x')])).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(misses(mod, mod.r, [/a/g], [/a/i], [/a/g], [/b/g])).toEqual([true, true, false, true]);
    const url = (s: string) => new URL(s);
    const q = (s: string) => new URLSearchParams(s);
    expect(
      misses(
        mod,
        mod.u,
        [url('http://x/a'), q('a=1&b=2')],
        [url('http://x/a'), q('b=2&a=1')],
        [url('http://x/a'), q('a=1&b=2')],
      ),
    ).toEqual([true, true, false]);
    const bytes = (...xs: number[]) => new Uint8Array(xs).buffer;
    expect(misses(mod, mod.b, [bytes(1, 2)], [bytes(1, 3)], [bytes(1, 2)])).toEqual([true, true, false]);
    expect(misses(mod, mod.e, [new Error('a')], [new Error('b')], [new TypeError('a')], [new Error('a')])).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('brands and intersections key as the built-in; a class extending Array keys as array and class', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
export type Timestamp = Date & { __brand: 'Ts' };
export type Sorted = number[] & { sorted: true };
export class Stack extends Array<number> {}
/** @cached storage=memory */
export function ts(d: Timestamp): number { calls++; return d.getTime(); }
/** @cached storage=memory */
export function tagged(m: Map<string, number> & { readonly kind: 'm' }): number { calls++; return m.size; }
/** @cached storage=memory */
export function sorted(xs: Sorted): number { calls++; return xs.length; }
/** @cached storage=memory */
export function top(s: Stack): number { calls++; return s[s.length - 1] ?? -1; }
`);
    expect(diagnostics).toEqual([]);
    expect(misses(mod, mod.ts, [new Date(1)], [new Date(2)], [new Date(1)])).toEqual([true, true, false]);
    const m = (n: number) => new Map([['a', n]]);
    expect(misses(mod, mod.tagged, [m(1)], [m(2)], [m(1)])).toEqual([true, true, false]);
    expect(misses(mod, mod.sorted, [[1, 2]], [[1, 3]], [[1, 2]])).toEqual([true, true, false]);
    const stack = (...xs: number[]) => mod.Stack.from(xs);
    expect(misses(mod, mod.top, [stack(1, 2)], [stack(1, 3)], [stack(1, 2)], [[1, 2]])).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });
});

describe('boxed primitives', { timeout: BUILD_TIMEOUT }, () => {
  it('are keyed by value, apart from the primitive', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
/** @cached storage=memory */
export function n(x: Number, flag: Boolean | null): string { calls++; return typeof x + String(x) + String(flag); }
`);
    expect(diagnostics).toEqual([]);
    expect(
      misses(
        mod,
        mod.n,
        [5, true],
        [new Number(5), true],
        [5, true],
        [new Number(5), true],
        [new Number(6), true],
        [5, new Boolean(true)],
        [5, null],
      ),
    ).toEqual([true, true, false, false, true, true, true]);
  });
});

describe('records and symbol keys', { timeout: BUILD_TIMEOUT }, () => {
  it('records read own enumerable keys only', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
/** @cached storage=memory */
export function total(r: Record<string, number>): number { let t = 0; for (const k of Object.keys(r)) t += r[k]!; calls++; return t; }
`);
    expect(diagnostics).toEqual([]);
    const inherited = Object.assign(Object.create({ extra: 5 }), { a: 1 });
    expect(misses(mod, mod.total, [{ a: 1 }], [inherited], [{ a: 1, extra: 5 }])).toEqual([true, false, true]);
  });

  it('declared symbol-keyed members are in the key; well-known symbol methods are not data', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
export const rank = Symbol('rank');
export interface Card { name: string; [rank]: number; [Symbol.iterator](): Iterator<number> }
/** @cached storage=memory */
export function show(c: Card): string { calls++; return c.name + c[rank]; }
`);
    expect(diagnostics).toEqual([]);
    const card = (name: string, r: number) => ({ name, [mod.rank]: r, *[Symbol.iterator]() {} });
    expect(misses(mod, mod.show, [card('a', 1)], [card('a', 2)], [card('a', 1)])).toEqual([true, true, false]);
  });

  it('a member keyed by a symbol generated code cannot reach is refused', async () => {
    const { diagnostics } = await build(`
declare const tag: unique symbol;
interface Tagged { [tag]: number }
/** @cached storage=memory */
export function f(t: Tagged): number { return t[tag]; }
`);
    expect(diagnostics.map((d) => d.code)).toContain('CACHET_E_UNKEYABLE');
  });
});

describe('hidden state', { timeout: BUILD_TIMEOUT }, () => {
  it('#private fields on a parameter or on this are a build error naming class and field', async () => {
    const { diagnostics } = await build(`
export class Counter { #count = 0; label = 'c'; bump() { return ++this.#count; } }
/** @cached storage=memory */
export function read(c: Counter): string { return c.label; }
export class Repo {
  #secret = 1;
  name = 'r';
  /** @cached storage=memory */
  find(id: number): number { return id + this.#secret; }
}
`);
    const hidden = diagnostics.filter((d) => d.code === 'CACHET_E_HIDDEN_STATE');
    expect(hidden).toHaveLength(2);
    expect(hidden[0]?.message).toMatch(/parameter c .*Counter keeps state in #count/);
    expect(hidden[0]?.hint).toMatch(/\[cacheKey\]\(\).*ignore=c/);
    expect(hidden[0]).toMatchObject({ line: 4, column: 22 });
    expect(hidden[1]?.message).toMatch(/`this`.*Repo keeps state in #secret/);
    expect(hidden[1]?.hint).toMatch(/ignore=this/);
  });

  it('#private fields of a class inside an intersection are refused too', async () => {
    const { diagnostics } = await build(`
export class Counter { #count = 0; label = 'c'; }
/** @cached storage=memory */
export function read(c: Counter & { owner: string }): string { return c.label; }
`);
    expect(diagnostics.map((d) => d.code)).toEqual(['CACHET_E_HIDDEN_STATE']);
  });
});

describe('functions inside arguments', { timeout: BUILD_TIMEOUT }, () => {
  it('are keyed by identity with storage=memory', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
export interface Options { step?: number; format?: (n: number) => string }
/** @cached storage=memory */
export function show(n: number, options: Options): string { calls++; return (options.format ?? String)(n * (options.step ?? 1)); }
`);
    expect(diagnostics).toEqual([]);
    const f = (n: number) => `<${n}>`;
    const g = (n: number) => `<${n}>`;
    expect(
      misses(
        mod,
        mod.show,
        [1, { step: 2, format: f }],
        [1, { step: 2, format: g }],
        [1, { step: 2, format: f }],
        [1, { step: 3, format: f }],
      ),
    ).toEqual([true, true, false, true]);
  });

  it('are a build error at their path with persistent storage', async () => {
    const { diagnostics } = await build(`
export interface Locale { code: string; formatLong?: (d: Date) => string }
/** @cached storage=sqlite */
export function format(d: Date, options: { locale: Locale; weekStartsOn?: number }): string { return options.locale.code; }
`);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'CACHET_E_UNKEYABLE', line: 4, column: 33 });
    expect(diagnostics[0]?.message).toMatch(/options \(at \.locale\.formatLong\)/);
    expect(diagnostics[0]?.hint).toMatch(/ignore=options\.locale\.formatLong.*storage=memory/);
  });
});

describe('ignore= paths', { timeout: BUILD_TIMEOUT }, () => {
  it('leave out one field and never its siblings; AbortSignal parameters stay out', async () => {
    const { mod, diagnostics } = await build(
      `
export let calls = 0;
export interface Options { weekStartsOn?: number; locale: { code: string; format: () => string }; signal?: AbortSignal }
/** @cached storage=sqlite ignore=options.locale.format */
export function week(d: number, options: Options, signal?: AbortSignal): number { calls++; return d + (options.weekStartsOn ?? 0); }
`,
      ['__cachet$week$text as weekText'],
      true,
    );
    expect(diagnostics).toEqual([]);
    const key = (options: unknown) => mod.weekText([1, options, new AbortController().signal]);
    const locale = (code: string) => ({ code, format: () => code });
    expect(key({ locale: locale('fr') })).toBe(key({ locale: { ...locale('fr'), format: () => 'other' } }));
    expect(key({ locale: locale('fr') })).toBe(key({ locale: locale('fr'), signal: new AbortController().signal }));
    expect(key({ locale: locale('fr') })).not.toBe(key({ locale: locale('de') }));
    expect(key({ locale: locale('fr'), weekStartsOn: 1 })).not.toBe(key({ locale: locale('fr') }));
  });

  it('a path naming no keyed field is an error at the path', async () => {
    const { diagnostics } = await build(`
/** @cached storage=memory ignore=options.locle */
export function f(options: { locale: string }): string { return options.locale; }
`);
    expect(diagnostics.map((d) => d.code)).toEqual(['CACHET_E_IGNORE_UNKNOWN']);
    expect(diagnostics[0]).toMatchObject({ line: 2, column: 35 });
  });
});

describe('generics', { timeout: BUILD_TIMEOUT }, () => {
  it('a constrained type parameter is keyed through its constraint', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
/** @cached storage=memory */
export function start<O extends { in?: string; step?: number }>(n: number, options?: O): number { calls++; return n * (options?.step ?? 1); }
/** @cached storage=memory */
export function any<T>(value: T): string { calls++; return String(value); }
`);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['CACHET_W_REFLECTIVE', expect.stringMatching(/parameter value is typed by the unconstrained type parameter T/)],
    ]);
    expect(misses(mod, mod.start, [1, { step: 2 }], [1, { step: 1 }], [1, { step: 2 }], [1])).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });
});

describe('shapes mixing the new kinds', { timeout: BUILD_TIMEOUT }, () => {
  it('unions with subclasses, optional class members, generic classes and readonly arrays', async () => {
    const { mod, diagnostics } = await build(
      `
export let calls = 0;
export class Box<T> { constructor(public value: T) {} }
export class Node { constructor(public value: number, public next: Node | null) {} }
/** @cached storage=memory */
export function when(d: Date | string, owner?: { box?: Box<number> }): string { calls++; return String(d) + (owner?.box?.value ?? ''); }
/** @cached storage=memory */
export function total(xs: readonly number[], pair: [Date, number?]): number { calls++; return xs.length + pair[0].getTime(); }
/** @cached storage=sqlite */
export function walk(n: Node | null): number { calls++; let t = 0; for (let x = n; x !== null; x = x.next) t += x.value; return t; }
`,
      ['__cachet$walk$text as walkText'],
    );
    expect(diagnostics).toEqual([]);
    class Later extends Date {
      zone = 'x';
    }
    expect(
      misses(
        mod,
        mod.when,
        [new Date(1)],
        [new Later(1)],
        ['1'],
        [new Later(1)],
        [new Date(1), { box: new mod.Box(1) }],
        [new Date(1), { box: new mod.Box(2) }],
        [new Date(1), { box: new mod.Box(1) }],
      ),
    ).toEqual([true, true, true, false, true, true, false]);
    expect(
      misses(
        mod,
        mod.total,
        [[1], [new Date(1)]],
        [[1], [new Date(1), 2]],
        [[1], [new Date(1)]],
        [[1], [new Later(1)]],
      ),
    ).toEqual([true, true, false, true]);
    const chain = (...xs: number[]) => xs.reduceRight((next: unknown, v) => new mod.Node(v, next), null);
    expect(mod.walkText([chain(1, 2)])).toBe(mod.walkText([chain(1, 2)]));
    expect(mod.walkText([chain(1, 2)])).not.toBe(mod.walkText([chain(1, 3)]));
    expect(mod.walkText([chain(1, 2)])).not.toBe(mod.walkText([{ value: 1, next: { value: 2, next: null } }]));
  });
});

describe('arguments not of their declared type', { timeout: BUILD_TIMEOUT }, () => {
  it('run the call uncached: no crash in the encoder, no key shared with a value of the type', async () => {
    const { mod, diagnostics } = await build(`
export let calls = 0;
/** @cached storage=memory */
export function label(q: { name: string; tags: Record<string, string> }, on: boolean, n: number): string {
  calls++;
  return JSON.stringify([q, on, n]);
}
`);
    expect(diagnostics).toEqual([]);
    const ok = { name: 'a', tags: { x: 'y' } };
    // Values JavaScript (or \`any\`) may pass: a Buffer-like object where a string is declared,
    // null for an object, "yes" for a boolean, "1" for a number.
    const odd: unknown[][] = [
      [{ name: 'a', tags: { x: new Uint8Array([1]) } }, true, 1],
      [null, true, 1],
      [ok, 'yes', 1],
      [ok, true, '1'],
    ];
    for (const args of odd) {
      expect(misses(mod, mod.label, args, args)).toEqual([true, true]); // ran both times, threw nothing
    }
    expect(misses(mod, mod.label, [ok, true, 1], [ok, true, 1])).toEqual([true, false]);
  });
});
