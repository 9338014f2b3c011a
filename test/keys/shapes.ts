/**
 * Parameter shapes for the compiled differential property: the TypeScript each one declares, its
 * model for the reference equality, and arbitraries of argument lists. Values of classes declared
 * in the module are built from the compiled module's own exports (`m`).
 */
import fc from 'fast-check';
import type { Model, Prop, Verdict } from './contract.js';
import { big, bool, bytes, date, error, number, optional, regexp, searchParams, small, str, url } from './values.js';

// biome-ignore lint/suspicious/noExplicitAny: the compiled module's exports are untyped
export type Mod = Record<string, any>;

export interface Shape {
  readonly name: string;
  /** Module-level declarations (exported, names unique across shapes). */
  readonly decls?: string;
  /** The parameter list, e.g. `x: Date`; type parameters in `typeParams`. */
  readonly params: string;
  readonly typeParams?: string;
  readonly model: (m: Mod) => Model[];
  readonly args: (m: Mod) => fc.Arbitrary<unknown[]>;
  /** Pairs built by the shape itself (deep values), with their verdict known by construction. */
  readonly pairs?: (m: Mod) => fc.Arbitrary<{ a: unknown[]; b: unknown[]; verdict: Verdict }>;
  /** The contract's equality for this shape when the generic one cannot run (100 000-deep values). */
  readonly equal?: (a: readonly unknown[], b: readonly unknown[]) => Verdict;
  /** Pairs always checked before the generated ones (with `pairs`). */
  readonly examples?: (m: Mod) => { a: unknown[]; b: unknown[]; verdict: Verdict }[];
  /** A shape whose right answer is a build error naming these (class and field of hidden state). */
  readonly refused?: readonly string[];
  /** Fewer runs for expensive values. */
  readonly runs?: number;
}

const N: Model = { k: 'number' };
const S: Model = { k: 'string' };
const B: Model = { k: 'boolean' };
const U: Model = { k: 'undefined' };
const prop = (key: string | symbol, type: Model, optional = false): Prop => ({ key, type, optional });
const obj = (...props: Prop[]): Model => ({ k: 'object', props });
const arr = (of: Model): Model => ({ k: 'array', of });
const one = <T>(a: fc.Arbitrary<T>) => a.map((v) => [v]);

/** An object with some excess properties a plain object may carry beyond its type. */
function withExcess<T extends object>(a: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.tuple(a, fc.option(fc.record({ extra: small }), { nil: undefined })).map(([v, e]) => ({ ...v, ...e }));
}

const listModel: Model = obj(prop('v', N), prop('next', { k: 'ref', get: () => listModel }, true));
const treeModel: Model = obj(prop('v', N), prop('kids', { k: 'ref', get: () => arr(treeModel) }));

export const shapes: readonly Shape[] = [
  {
    name: 'primitives',
    params: 'x: string | number | boolean | bigint | null | undefined',
    model: () => [{ k: 'union', of: [S, N, B, { k: 'bigint' }, { k: 'null' }, U] }],
    args: () =>
      one(fc.oneof(str, number, bool, big, fc.constant(null), fc.constant(undefined), fc.constantFrom('1', 'true'))),
  },
  {
    name: 'literals',
    params: "x: 'a' | 'b' | 1 | 2 | true",
    model: () => [{ k: 'union', of: ['a', 'b', 1, 2, true].map((value) => ({ k: 'literal', value }) as Model) }],
    args: () => one(fc.constantFrom('a', 'b', 1, 2, true)),
  },
  {
    name: 'three params',
    params: 'a: number, b: string, c: boolean',
    model: () => [N, S, B],
    args: () => fc.tuple(number, str, bool),
  },
  {
    name: 'optional props',
    params: 'x: { a: number; b?: string; c: boolean[] }',
    model: () => [obj(prop('a', N), prop('b', { k: 'union', of: [S, U] }, true), prop('c', arr(B)))],
    args: () =>
      one(
        withExcess(
          fc.record({ a: small, b: optional(str), c: fc.array(bool, { maxLength: 2 }) }, { requiredKeys: ['a', 'c'] }),
        ),
      ),
  },
  {
    name: 'nested objects',
    params: 'x: { p: { q: string; r?: { s: number } }; t: number[] }',
    model: () => [obj(prop('p', obj(prop('q', S), prop('r', obj(prop('s', N)), true))), prop('t', arr(N)))],
    args: () =>
      one(
        fc.record({
          p: withExcess(fc.record({ q: str, r: fc.record({ s: small }) }, { requiredKeys: ['q'] })),
          t: fc.array(small, { maxLength: 3 }),
        }),
      ),
  },
  {
    name: 'arrays of arrays',
    params: 'x: number[][]',
    model: () => [arr(arr(N))],
    args: () => one(fc.array(fc.array(small, { maxLength: 3 }), { maxLength: 3 })),
  },
  {
    name: 'tuple with optional',
    params: 'x: [number, string?]',
    model: () => [{ k: 'tuple', of: [N, { k: 'union', of: [S, U] }] }],
    args: () => one(fc.oneof(fc.tuple(small), fc.tuple(small, str), fc.tuple(small, fc.constant(undefined)))),
  },
  {
    name: 'Set<number>',
    params: 'x: Set<number>',
    model: () => [{ k: 'set', of: N }],
    args: () => one(fc.array(number, { maxLength: 4 }).map((e) => new Set(e))),
  },
  {
    name: 'Set of objects',
    params: 'x: Set<{ n: number }>',
    model: () => [{ k: 'set', of: obj(prop('n', N)) }],
    args: () =>
      one(fc.array(fc.record({ n: fc.integer({ min: 0, max: 1 }) }), { maxLength: 3 }).map((e) => new Set(e))),
  },
  {
    name: 'Map<string, number[]>',
    params: 'x: Map<string, number[]>',
    model: () => [{ k: 'map', key: S, value: arr(N) }],
    args: () =>
      one(
        fc
          .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.array(small, { maxLength: 2 })), { maxLength: 3 })
          .map((e) => new Map(e)),
      ),
  },
  {
    name: 'Map with object keys',
    params: 'x: Map<{ id: number }, string>',
    model: () => [{ k: 'map', key: obj(prop('id', N)), value: S }],
    args: () =>
      one(
        fc
          .array(fc.tuple(fc.record({ id: fc.integer({ min: 0, max: 1 }) }), fc.constantFrom('x', 'y')), {
            maxLength: 3,
          })
          .map((e) => new Map(e)),
      ),
  },
  {
    name: 'Date and a zoned Date subclass',
    decls: `export class ZonedDate extends Date {
  constructor(t: number, public zone: string) { super(t); }
}`,
    params: 'x: Date',
    model: () => [{ k: 'builtin', name: 'Date' }],
    args: (m) =>
      one(
        fc.oneof(
          date,
          fc
            .tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom('UTC', 'Asia/Tokyo'))
            .map(([t, z]) => new m.ZonedDate(t, z) as Date),
        ),
      ),
  },
  {
    name: 'RegExp',
    params: 'x: RegExp',
    model: () => [{ k: 'builtin', name: 'RegExp' }],
    args: () => one(regexp),
  },
  {
    name: 'URL',
    params: 'x: URL',
    model: () => [{ k: 'builtin', name: 'URL' }],
    args: () => one(url),
  },
  {
    name: 'URLSearchParams',
    params: 'x: URLSearchParams',
    model: () => [{ k: 'builtin', name: 'URLSearchParams' }],
    args: () => one(searchParams),
  },
  {
    name: 'Error',
    params: 'x: Error',
    model: () => [{ k: 'builtin', name: 'Error' }],
    args: () => one(error),
  },
  {
    name: 'Uint8Array',
    params: 'x: Uint8Array',
    model: () => [{ k: 'builtin', name: 'Uint8Array' }],
    args: () => one(bytes),
  },
  {
    name: 'Record<string, number>',
    params: 'x: Record<string, number>',
    model: () => [{ k: 'record', of: N }],
    args: () =>
      one(
        fc
          .tuple(
            fc.dictionary(fc.constantFrom('a', 'b', 'c'), small, { maxKeys: 3, noNullPrototype: true }),
            fc.option(small, { nil: undefined }),
          )
          .map(([own, inherited]) =>
            // Sometimes an inherited enumerable key: never part of the key.
            inherited === undefined ? own : Object.assign(Object.create({ z: inherited }) as object, own),
          ),
      ),
  },
  {
    name: 'discriminated union',
    params: "x: { kind: 'p'; x: number; y: number } | { kind: 'q'; label: string }",
    model: () => [
      {
        k: 'union',
        of: [
          obj(prop('kind', { k: 'literal', value: 'p' }), prop('x', N), prop('y', N)),
          obj(prop('kind', { k: 'literal', value: 'q' }), prop('label', S)),
        ],
      },
    ],
    args: () =>
      one(
        fc.oneof(
          fc.record({ kind: fc.constant('p' as const), x: small, y: small }),
          fc.record({ kind: fc.constant('q' as const), label: str }),
        ),
      ),
  },
  {
    name: 'Cat | Dog with equal fields',
    decls: `export class Cat { constructor(public name: string, public age: number) {} }
export class Dog { constructor(public name: string, public age: number) {} }`,
    params: 'x: Cat | Dog',
    model: (m) => [
      {
        k: 'union',
        of: [
          { k: 'class', proto: () => m.Cat.prototype, props: [prop('name', S), prop('age', N)] },
          { k: 'class', proto: () => m.Dog.prototype, props: [prop('name', S), prop('age', N)] },
        ],
      },
    ],
    args: (m) =>
      one(
        fc
          .tuple(fc.boolean(), fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 1 }))
          .map(([cat, name, age]) => (cat ? new m.Cat(name, age) : new m.Dog(name, age))),
      ),
  },
  {
    name: 'class and a run-time subclass',
    decls: `export class Animal { constructor(public name: string) {} }
export class Puppy extends Animal { constructor(name: string, public owner: string) { super(name); } }`,
    params: 'x: Animal',
    model: (m) => [{ k: 'class', proto: () => m.Animal.prototype, props: [prop('name', S)] }],
    args: (m) =>
      one(
        fc
          .tuple(fc.boolean(), fc.constantFrom('a', 'b'), fc.constantFrom('o', 'p'))
          .map(([sub, name, owner]) => (sub ? new m.Puppy(name, owner) : new m.Animal(name))),
      ),
  },
  {
    name: 'Map subclass',
    decls: `export class TaggedMap extends Map<string, number> {
  constructor(entries: [string, number][], public tag: string) { super(entries); }
}`,
    params: 'x: Map<string, number>',
    model: () => [{ k: 'map', key: S, value: N }],
    args: (m) =>
      one(
        fc
          .tuple(
            fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 1 })), { maxLength: 2 }),
            fc.option(fc.constantFrom('t1', 't2'), { nil: undefined }),
          )
          .map(([entries, tag]) => (tag === undefined ? new Map(entries) : new m.TaggedMap(entries, tag))),
      ),
  },
  {
    name: 'Array subclass (Stack)',
    decls: 'export class Stack extends Array<number> { top = 0; }',
    params: 'x: Stack',
    // A class's declared fields are its state: `top` is in the key, beside the elements.
    model: (m) => [{ k: 'array', of: N, proto: () => m.Stack.prototype, props: [{ key: 'top', type: N }] }],
    args: (m) =>
      one(
        fc.tuple(fc.array(small, { maxLength: 3 }), fc.integer({ min: 0, max: 1 })).map(([items, top]) => {
          const s = new m.Stack();
          s.push(...items);
          s.top = top;
          return s;
        }),
      ),
  },
  {
    name: 'branded Date',
    params: "x: Date & { __brand: 'x' }",
    model: () => [{ k: 'builtin', name: 'Date' }],
    args: () => one(date),
  },
  {
    name: 'branded number[]',
    params: 'x: number[] & { sorted: true }',
    model: () => [arr(N)],
    args: () => one(fc.array(small, { maxLength: 3 }).map((a) => Object.assign(a, { sorted: true as const }))),
  },
  {
    name: 'symbol-keyed members',
    decls: `export const tagSym: unique symbol = Symbol('tag');
export const forSym: unique symbol = Symbol.for('cachet.fuzz.for');`,
    params: 'x: { a: number; [tagSym]: number; [forSym]?: string }',
    model: (m) => [obj(prop('a', N), prop(m.tagSym, N), prop(m.forSym, { k: 'union', of: [S, U] }, true))],
    args: (m) =>
      one(
        fc
          .tuple(small, fc.integer({ min: 0, max: 1 }), optional(fc.constantFrom('x', 'y')))
          .map(([a, t, f]) => (f === undefined ? { a, [m.tagSym]: t } : { a, [m.tagSym]: t, [m.forSym]: f })),
      ),
  },
  {
    name: 'constrained generic',
    typeParams: '<O extends { step?: number; label?: string }>',
    params: 'x: O',
    model: () => [obj(prop('step', { k: 'union', of: [N, U] }, true), prop('label', { k: 'union', of: [S, U] }, true))],
    args: () => one(withExcess(fc.record({ step: small, label: str }, { requiredKeys: [] }))),
  },
  {
    name: 'constrained generic with a callback',
    typeParams: '<O extends { in?: (d: number) => number; step?: number }>',
    params: 'x: number, options?: O',
    model: () => [
      N,
      {
        k: 'union',
        of: [
          U,
          obj(
            prop('in', { k: 'union', of: [{ k: 'function' }, U] }, true),
            prop('step', { k: 'union', of: [N, U] }, true),
          ),
        ],
      },
    ],
    args: (m) =>
      fc.tuple(
        small,
        optional(
          fc.record({ in: fc.constantFrom(m.inA, m.inB), step: fc.integer({ min: 1, max: 2 }) }, { requiredKeys: [] }),
        ),
      ),
    decls: `export const inA = (d: number): number => d;
export const inB = (d: number): number => d + 1;`,
  },
  {
    name: 'branded Map',
    params: 'x: Map<string, number> & { readonly frozen: true }',
    model: () => [{ k: 'map', key: S, value: N }],
    args: () =>
      one(
        fc
          .array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 1 })), { maxLength: 2 })
          .map((e) => new Map(e) as Map<string, number> & { readonly frozen: true }),
      ),
  },
  {
    name: 'functions inside options (storage=memory)',
    decls: `export const fmtA = (n: number): string => String(n);
export const fmtB = (n: number): string => \`#\${n}\`;`,
    params: 'n: number, options?: { step?: number; format?: (n: number) => string }',
    model: () => [
      N,
      {
        k: 'union',
        of: [
          U,
          obj(
            prop('step', { k: 'union', of: [N, U] }, true),
            prop('format', { k: 'union', of: [{ k: 'function' }, U] }, true),
          ),
        ],
      },
    ],
    args: (m) =>
      fc.tuple(
        small,
        optional(
          fc.record(
            { step: fc.integer({ min: 1, max: 2 }), format: fc.constantFrom(m.fmtA, m.fmtB, (n: number) => `${n}!`) },
            { requiredKeys: [] },
          ),
        ),
      ),
  },
  {
    name: 'recursive list incl. cycles',
    decls: 'export interface ListNode { v: number; next?: ListNode }',
    params: 'x: ListNode',
    model: () => [listModel],
    args: () =>
      one(
        fc
          .tuple(
            fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 4 }),
            fc.option(fc.nat(3), { nil: undefined }),
          )
          .map(([values, back]) => {
            const nodes = values.map((v) => ({ v }) as { v: number; next?: unknown });
            nodes.forEach((n, i) => {
              if (i + 1 < nodes.length) n.next = nodes[i + 1];
            });
            // Sometimes the last node points back: a cyclic value of a recursive type.
            if (back !== undefined) (nodes[nodes.length - 1] as { next?: unknown }).next = nodes[back % nodes.length];
            return nodes[0];
          }),
      ),
  },
  {
    name: 'recursive tree',
    decls: 'export interface TreeNode { v: number; kids: TreeNode[] }',
    params: 'x: TreeNode',
    model: () => [treeModel],
    args: () =>
      one(
        fc.letrec((tie) => ({
          node: fc.record({
            v: fc.integer({ min: 0, max: 1 }),
            kids: fc.oneof({ maxDepth: 3 }, fc.constant([]), fc.array(tie('node'), { maxLength: 2 })),
          }),
        })).node,
      ),
  },
  {
    name: 'deep list (up to 100 000)',
    decls: 'export interface DeepNode { v: number; next?: DeepNode }',
    params: 'x: DeepNode',
    model: () => [listModel],
    args: () => one(fc.constant({ v: 0 })),
    runs: 6,
    equal: (a, b) => (listValues(a[0]) === listValues(b[0]) ? 'equal' : 'distinct'),
    pairs: () =>
      fc
        .tuple(fc.constantFrom(10, 5_000, 100_000), fc.option(fc.nat(), { nil: undefined }))
        .map(([depth, change]) => deepListPair(depth, change)),
    // Every depth, every time (a random pick of six could skip the deepest).
    examples: () => [10, 5_000, 100_000].flatMap((d) => [deepListPair(d, undefined), deepListPair(d, d - 1)]),
  },
  {
    name: 'class with [cacheKey]()',
    decls: `export class Money {
  constructor(public cents: number, public currency: string, public note: string) {}
  [cacheKey](): string { return \`\${this.currency}:\${this.cents}\`; }
}`,
    params: 'x: Money',
    model: () => [{ k: 'cacheKey', key: Symbol.for('unused') }],
    args: (m) =>
      one(
        fc
          .tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom('EUR', 'USD'), fc.constantFrom('n1', 'n2'))
          .map(([c, cur, note]) => new m.Money(c, cur, note)),
      ),
  },
  {
    name: 'unknown (reflective in compiled code)',
    params: 'x: unknown',
    model: () => [{ k: 'any' }],
    args: () =>
      one(
        fc.oneof(
          str,
          number,
          big,
          fc.array(small, { maxLength: 2 }),
          date,
          url,
          error,
          fc.dictionary(fc.constantFrom('a', 'b'), small),
        ),
      ),
  },
  {
    name: 're-entrant getter',
    params: 'x: { a: number; b: number }, y: number',
    model: () => [obj(prop('a', N), prop('b', N)), N],
    args: (m) =>
      fc.tuple(small, small, fc.boolean(), small).map(([a, b, reenter, y]) => {
        if (!reenter) return [{ a, b }, y];
        // The getter calls the same cached function while the outer call encodes its key.
        const x = {
          get a() {
            m.k_re_entrant_getter({ a: 9, b: 9 }, 9);
            return a;
          },
          b,
          [fc.toStringMethod]: () => `{ get a() { k_re_entrant_getter({ a: 9, b: 9 }, 9); return ${a} }, b: ${b} }`,
        };
        return [x, y];
      }),
  },
  {
    name: 'class with #private (must be refused)',
    decls: `export class Vault { #secret: number; constructor(s: number, public label: string) { this.#secret = s; }
  reveal(): number { return this.#secret; } }`,
    params: 'x: Vault',
    model: () => [{ k: 'any' }],
    args: () => one(fc.constant(null)),
    refused: ['Vault', 'secret'],
  },
  {
    name: 'method on a class with #private as this (must be refused)',
    decls: `export class Tally {
  #count = 0;
  constructor(public label: string) {}
  bump(): void { this.#count++; }
  /** @cached storage=memory */
  scaled(x: number): number { return x * this.#count; }
}`,
    params: 'x: number',
    model: () => [{ k: 'any' }],
    args: () => one(fc.constant(null)),
    refused: ['Tally', 'count'],
  },
];

/** Two lists `depth` deep, equal or changed at one node; printed as a description, not the list. */
function deepListPair(depth: number, change: number | undefined) {
  const build = (at: number | undefined) => {
    let head: { v: number; next?: unknown } | undefined;
    for (let i = depth - 1; i >= 0; i--) head = { v: i === at ? -1 : 0, ...(head ? { next: head } : {}) };
    return head;
  };
  const at = change === undefined ? undefined : change % depth;
  return {
    a: [build(undefined)],
    b: [build(at)],
    verdict: at === undefined ? ('equal' as const) : ('distinct' as const),
    [fc.toStringMethod]: () => `a list ${depth} deep${at === undefined ? ' and its copy' : `, changed at ${at}`}`,
  };
}

/** The values of an acyclic list, walked without recursion. */
function listValues(head: unknown): string {
  const out: number[] = [];
  for (let n = head as { v: number; next?: unknown } | undefined; n !== undefined; n = n.next as typeof n)
    out.push(n.v);
  return out.join(',');
}

/** The exported function name of a shape in the generated module. */
export function functionName(shape: Shape): string {
  return `k_${shape.name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}
