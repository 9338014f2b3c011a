/**
 * The forms and cases of generate-survivors.test.ts (see there), apart from the test file so that
 * they can be run against a compiler with a mutant planted.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stats } from '@cachet/runtime';
import { reflectKey } from '@cachet/runtime/internal';
import ts from 'typescript';
import { expect } from 'vitest';
import type { createCompiler } from '../src/index.js';
import { compilerOptions } from './helpers.js';
import { RUNTIME_MODULE, writeNamespace } from './keys-harness.js';

/** One cached function per form: its parameters as written. */
const forms = {
  two: 'a: string, b: number',
  four: 'a: number, b: string, c: boolean, d: bigint',
  rest: 'a: number, ...xs: string[]',
  restNumbers: '...xs: number[]',
  tupleRest: 't: [number, ...string[]]',
  tupleOpt: 't: [number, string?]',
  props: "o: { a?: number; 'b-c': string; [rank]: number }",
  mapPrim: 'm: Map<number, string>',
  mapObj: 'm: Map<{ id: number }, { v: string }>',
  setPrim: 's: Set<string>',
  setObj: 's: Set<{ n: number }>',
  record: 'r: Record<string, { x: number }>',
  disc: "d: { kind: 'a' | 'b'; x: number } | { kind: 'c'; y: string }",
  union: 'u: string | number[] | Date | Point | null',
  prims: 'v: bigint | boolean | null | undefined',
  regexp: 'r: RegExp',
  url: 'u: URL, q: URLSearchParams',
  buffer: 'b: ArrayBuffer',
  boxed: 'n: Number, s: String, b: Boolean',
  point: 'p: Point',
  points: 'ps: Point[]',
  floats: 'f: Float64Array',
  typed: 't: Int8Array | Uint8Array',
  custom: 'a: Account',
  anything: 'x: unknown',
  date: 'd: Date',
  list: 'l: List',
  nested: 'n: number[][]',
  objects: 'o: { a: number }[]',
  maybes: 'm: (number | null)[]',
  mapOpt: 'm: Map<string, number | undefined>',
  opts: 'o: { a?: number; b?: number }',
  scalars: 'v: number | bigint | Date',
  numOrStr: 'v: number | string',
  patterns: 'p: RegExp | string | Number',
  maybePattern: 'p: RegExp | undefined',
  pointOrShape: 'p: Point | { x: number; y: number }',
  stamp: 's: Stamp',
  fnOrText: 'f: (() => number) | string',
  collections: 'c: Map<string, number> | Set<number> | undefined',
  boxedOrText: 'n: Number | string',
  boxes: 'b: String | Boolean | number',
  none: '',
  num: 'n: number',
  str: 's: string',
  flag: 'b: boolean',
  strs: 'xs: string[]',
  err: 'e: Error',
  fnOrNum: 'f: (() => number) | number',
  badge: 'b: Badge',
  tree: 't: Tree',
  generic: 'a: Box<number>, b: Box<string>',
} as const;

/** Forms keyed for a persistent tier: no key may depend on this process's identities. */
const persistentForms = {
  anyStored: 'x: unknown',
  errStored: 'e: Error',
} as const;

/** Cached methods of `Shelf` (see the preamble), keyed by `this` too: `self` is the first argument. */
const methodForms = ['Shelf$item', 'Shelf$items', 'Shelf$pair'] as const;

/** Functions the preamble declares itself (their bodies matter), beside the generated forms. */
const declaredForms = ['echo', 'echoList', 'echoStr', 'planned'] as const;
type Form =
  | keyof typeof forms
  | keyof typeof persistentForms
  | (typeof methodForms)[number]
  | (typeof declaredForms)[number];

/** A generated encoder over an argument list, whatever forms the compiler generated. */
interface Encoder {
  /** The runtime's reflective text over the keyed values (verify mode compares the two keys). */
  reflect(args: unknown[], self?: unknown): string;
  hash(args: unknown[], self?: unknown): unknown;
  snapshot(args: unknown[], self?: unknown): unknown;
  equals(s: unknown, args: unknown[], self?: unknown): boolean;
  text(args: unknown[], self?: unknown): string;
}

const here = dirname(fileURLToPath(import.meta.url));
let encoders: Record<Form, Encoder>;

/**
 * Compiles the forms with `compiler` (the compiler's `createCompiler`) over `program` (made here when
 * not given) and imports the generated encoders, for the cases below. `name` names the output file.
 */
export async function compileForms(
  compiler: typeof createCompiler,
  program?: ts.Program,
  name = 'forms',
): Promise<ts.Program> {
  const dir = join(here, '.tmp/generate-survivors');
  mkdirSync(dir, { recursive: true });
  const declare = (storage: string, [name, params]: [string, string]) =>
    `/** @cached storage=${storage} */\nexport function ${name}(${params}): number { return 1; }`;
  const source = [
    preamble,
    ...Object.entries(forms).map((form) => declare('memory', form)),
    ...Object.entries(persistentForms).map((form) => declare('sqlite', form)),
  ].join('\n');
  const file = join(dir, 'forms.ts');
  writeFileSync(file, source);
  // A class generated code imports to check prototypes against (see KeyCode's imports).
  const imported = 'export class Badge { constructor(public id: number) {} }\n';
  writeFileSync(join(dir, 'imported.ts'), imported);
  writeFileSync(
    join(dir, 'imported.js'),
    ts.transpileModule(imported, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } })
      .outputText,
  );
  program ??= ts.createProgram([file], { ...compilerOptions, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] });
  writeNamespace(dir);
  // The plans generated code hands to the runtime, by id (a local export wins over `export *`).
  appendFileSync(
    join(dir, 'runtime.mjs'),
    'export const plans = new Map();\nexport const define = (plan, impl) => (plans.set(plan.id, plan), real.define(plan, impl));\n',
  );
  const result = compiler({ ts, options: { runtimeModule: RUNTIME_MODULE } }).transform({
    program,
    fileName: file.replace(/\\/g, '/'),
  });
  if (result === undefined) throw new Error('nothing compiled');
  expect(result.diagnostics.filter((d) => d.code !== 'CACHET_W_REFLECTIVE')).toEqual([]);
  const ops = ['hash', 'equals', 'hashAt', 'equalsAt', 'snapshot', 'text', 'reflect'];
  const names = [...Object.keys(forms), ...Object.keys(persistentForms), ...methodForms, ...declaredForms];
  const exports = names
    .flatMap((name) =>
      ops
        .filter((op) => result.code.includes(`function __cachet$${name}$${op}(`))
        .map((op) => `__cachet$${name}$${op} as ${name}_${op}`),
    )
    .join(', ');
  const js = ts.transpileModule(`${result.code}\nexport { ${exports}, ${classes} };`, {
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  // The generated code parses as written (the transpiler would repair a missing comma unseen).
  expect(js.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  const out = join(dir, `${name}.mjs`);
  writeFileSync(out, js.outputText);
  // biome-ignore lint/suspicious/noExplicitAny: the generated functions, as the module exports them
  mod = (await import(pathToFileURL(out).href)) as Record<string, any>;
  plans = (await import(pathToFileURL(join(dir, 'runtime.mjs')).href)).plans;
  encoders = Object.fromEntries(names.map((name) => [name, encoderOf(name)])) as Record<Form, Encoder>;
  return program;
}

// biome-ignore lint/suspicious/noExplicitAny: the fixture module's exports
let mod: Record<string, any>;
/** The plan each cached function defined itself with, by id (on its first call). */
let plans: Map<string, Record<string, unknown>>;

/** Classes the forms use, exported for the tests to make instances of. */
const classes = 'Point, Point3, Account, Stamp, rank, twinErrors, Shelf';
const preamble = `
import { cacheKey } from '@cachet/runtime';
import { Badge } from './imported.js';
export { Badge };
export interface Tree { label: string; kids: Tree[] }
export interface Box<T> { v: T }
export const rank = Symbol('rank');
export class Point { constructor(public x: number, public y: number) {} }
export class Point3 extends Point { constructor(x: number, y: number, public z: number) { super(x, y); } }
export class Account {
  constructor(readonly id: number, readonly name: string) {}
  [cacheKey](): string { return 'account:' + this.id; }
}
export interface List { value: number; next: List | null }
export class Stamp extends Date {}
// Called through the runtime (the wrapper, the plan's encoder members): each answers for its own arguments.
/** @cached storage=memory */
export function echo(a: string, b: number): string { return a + '|' + b; }
/** @cached storage=memory */
export function echoList(a: string, b: number, c: number, d: number): string { return [a, b, c, d].join('|'); }
/** @cached storage=memory */
export function echoStr(s: string): string { return s; }
/** @cached storage=memory ttl=5m swr=1m version=3 */
export async function planned(a: number): Promise<string> { return String(a); }
/** How many times the functions below really ran. */
export let calls = 0;
/** @cached storage=memory */
export const echoConst = (a: string, b: number): string => { calls++; return a + '|' + b; };
export class Shelf {
  constructor(public n: number) {}
  /** @cached storage=memory */
  item(i: number): number { calls++; return this.n + i; }
  /** @cached storage=memory */
  items(i: number, ...names: string[]): number { calls++; return this.n + i + names.length; }
  /** @cached storage=memory */
  static twice(s: string): string { calls++; return s + s; }
  /** @cached storage=memory */
  pair(a: string, b: number, c: boolean, d: number): number { return this.n + b + d + (c ? a.length : 0); }
}
// Two classes of one name: with storage=memory, two classes.
export const twinErrors = [0, 1].map(() => class TwinError extends Error {});
`;

function encoderOf(name: string): Encoder {
  const at = mod[`${name}_hashAt`];
  const reflect = (args: unknown[], self?: unknown) => mod[`${name}_reflect`](args, self);
  if (at === undefined) {
    return {
      reflect,
      hash: (args, self) => mod[`${name}_hash`](args, self),
      snapshot: (args, self) => mod[`${name}_snapshot`](args, self),
      equals: (s, args, self) => mod[`${name}_equals`](s, args, self),
      text: (args, self) => mod[`${name}_text`](args, self),
    };
  }
  const equalsAt = mod[`${name}_equalsAt`];
  return {
    reflect,
    hash: (args, self) => at(self, ...args),
    snapshot: (args, self) => mod[`${name}_snapshot`](args, self),
    // Without equalsAt the hash is the key, compared as a Map compares keys.
    equals: (s, args, self) =>
      equalsAt === undefined ? [at(self, ...(s as unknown[]))].includes(at(self, ...args)) : equalsAt(s, self, ...args),
    text: (args, self) => mod[`${name}_text`](args, self),
  };
}

/**
 * Checks `groups` of argument lists with the encoder of `form`: within a group every key agrees,
 * across groups none does (equality, text, and with `hashes` the hash too).
 */
function keys(form: Form, groups: unknown[][][], hashes = true): void {
  const encoder = encoders[form];
  // A method's calls are listed with `this` first.
  const method = (methodForms as readonly string[]).includes(form);
  const all = groups.flatMap((group, g) =>
    group.map((call) => (method ? { g, self: call[0], args: call.slice(1) } : { g, self: undefined, args: call })),
  );
  for (const a of all) {
    expect(typeof encoder.text(a.args, a.self), `text of ${form}(${show(a.args)})`).toBe('string');
    const snapshot = encoder.snapshot(a.args, a.self);
    for (const b of all) {
      const same = a.g === b.g;
      const where = `${form}(${show([a.self, ...a.args])}) against ${form}(${show([b.self, ...b.args])})`;
      expect(encoder.equals(snapshot, b.args, b.self), `equals: ${where}`).toBe(same);
      expect(encoder.text(a.args, a.self) === encoder.text(b.args, b.self), `text: ${where}`).toBe(same);
      if (same || hashes) {
        expect(Object.is(encoder.hash(a.args, a.self), encoder.hash(b.args, b.self)), `hash: ${where}`).toBe(same);
      }
    }
  }
}

/**
 * The snapshot is a private copy: changing the argument afterwards (`change`) leaves it equal to
 * a fresh copy of the argument as it was (`make()`), and unequal to the changed argument.
 */
function privateCopy(form: Form, make: () => unknown[], change: (args: unknown[]) => void): void {
  const encoder = encoders[form];
  const args = make();
  const snapshot = encoder.snapshot(args);
  change(args);
  expect(encoder.equals(snapshot, make()), `${form}: equal to the argument as it was`).toBe(true);
  expect(encoder.equals(snapshot, args), `${form}: unequal to the changed argument`).toBe(false);
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) =>
      typeof v === 'bigint' ? `${v}n` : v instanceof Map || v instanceof Set ? [...v] : v,
    );
  } catch {
    return String(value);
  }
}

/** A case: a named check over the compiled forms (run by the test file, one test each). */
export interface Case {
  readonly group: string;
  readonly name: string;
  readonly run: () => void;
}

export const cases: Case[] = [];
let group = '';
function describe(name: string, body: () => void): void {
  group = name;
  body();
}
function it(name: string, run: () => void): void {
  cases.push({ group, name, run });
}

describe('generated keys', () => {
  it('plain parameters, positional and over an argument list', () => {
    keys('two', [[['a', 1]], [['a', 2]], [['b', 1]], [['', 1]]]);
    keys('four', [
      [[1, 'a', true, 1n]],
      [[1, 'a', true, 2n]],
      [[1, 'a', false, 1n]],
      [[1, 'b', true, 1n]],
      [[2, 'a', true, 1n]],
    ]);
  });

  it('rest parameters: the items after the plain ones, in order', () => {
    keys('restNumbers', [[[]], [[1]], [[1, 2]], [[12]], [[2, 1]], [[1, 2, 3]]]);
    keys('rest', [[[1]], [[1, 'a']], [[1, 'a', 'b']], [[1, 'b', 'a']], [[2, 'a']], [[1, 'ab']], [[1, '', 'a']]]);
  });

  it('tuples with a rest element or an optional one', () => {
    keys('tupleRest', [[[[1]]], [[[1, 'a']]], [[[1, 'a', 'b']]], [[[1, 'b', 'a']]], [[[2, 'a']]], [[[1, 'ab']]]]);
    keys('tupleOpt', [[[[1]]], [[[1, 'a']]], [[[1, 'b']]], [[[2]]], [[[1, undefined]]]]);
  });

  it('optional, quoted and symbol-keyed properties', () => {
    const o = (a: number | undefined, bc: string, r: number, withA = a !== undefined) =>
      withA ? { a, 'b-c': bc, [mod.rank]: r } : { 'b-c': bc, [mod.rank]: r };
    keys('props', [
      [[o(1, 'x', 1)], [{ ...o(1, 'x', 1), other: 2 }]],
      [[o(2, 'x', 1)]],
      [[o(undefined, 'x', 1)]],
      [[o(1, 'y', 1)]],
      [[o(1, 'x', 2)]],
    ]);
  });

  it('maps and sets, in any order, with primitive and object members', () => {
    const mp = (...e: [number, string][]) => new Map(e);
    keys('mapPrim', [
      [[mp()]],
      [[mp([1, 'a'])]],
      [[mp([1, 'a'], [2, 'b'])], [mp([2, 'b'], [1, 'a'])]],
      [[mp([1, 'b'], [2, 'a'])]],
      [[mp([1, 'a'], [3, 'b'])]],
    ]);
    const mo = (...e: [number, string][]) => new Map(e.map(([id, v]) => [{ id }, { v }]));
    keys('mapObj', [
      [[mo()]],
      [[mo([1, 'a'])]],
      [[mo([1, 'a'], [2, 'b'])], [mo([2, 'b'], [1, 'a'])]],
      [[mo([1, 'b'], [2, 'a'])]],
      [[mo([1, 'a'], [1, 'b'])]],
      [[mo([1, 'a'], [1, 'a'])]],
    ]);
    const sp = (...e: string[]) => new Set(e);
    keys('setPrim', [[[sp()]], [[sp('a')]], [[sp('a', 'b')], [sp('b', 'a')]], [[sp('a', 'c')]]]);
    const so = (...e: number[]) => new Set(e.map((n) => ({ n })));
    keys('setObj', [[[so()]], [[so(2)]], [[so(2, 3)], [so(3, 2)]], [[so(2, 4)]], [[so(2, 2)]]]);
  });

  it('records: own keys, in any order', () => {
    const inherited = Object.assign(Object.create({ c: { x: 9 } }), { a: { x: 1 } });
    keys('record', [
      [[{}]],
      [[{ a: { x: 1 } }], [inherited]],
      [[{ a: { x: 1 }, b: { x: 2 } }], [{ b: { x: 2 }, a: { x: 1 } }]],
      [[{ a: { x: 2 }, b: { x: 1 } }]],
      [[{ a: { x: 1 }, c: { x: 2 } }]],
    ]);
  });

  it('discriminated unions, a case with several tags', () => {
    keys('disc', [
      [[{ kind: 'a', x: 1 }]],
      [[{ kind: 'b', x: 1 }]],
      [[{ kind: 'a', x: 2 }]],
      [[{ kind: 'c', y: 'a' }]],
      [[{ kind: 'c', y: 'b' }]],
    ]);
  });

  it('unions told apart by a kind test', () => {
    keys('union', [
      [['1']],
      [[[1]]],
      [[[1, 2]]],
      [[new Date(1)]],
      [[new Date(2)]],
      [[new mod.Point(1, 2)]],
      [[new mod.Point(2, 1)]],
      [[new mod.Point3(1, 2, 3)]],
      [[null]],
      [['']],
    ]);
    // The empty string and the empty array: members whose own hashes agree, apart by the member.
    keys('union', [[['']], [[[]]], [[[0]]]]);
    keys('prims', [[[5n]], [[6n]], [[true]], [[false]], [[null]]]);
    // null and undefined hash alike (each is the only value of its kind).
    keys('prims', [[[null]], [[undefined]]], false);
  });

  it('built-ins keyed by their internal value', () => {
    keys('regexp', [[[/a/g], [/a/g]], [[/a/i]], [[/b/g]], [[/a\/g/]]]);
    const u = (s: string) => new URL(s);
    const q = (s: string) => new URLSearchParams(s);
    keys('url', [
      [[u('http://x/a'), q('a=1&b=2')]],
      [[u('http://x/a'), q('b=2&a=1')]],
      [[u('http://x/b'), q('a=1&b=2')]],
    ]);
    const bytes = (...xs: number[]) => new Uint8Array(xs).buffer;
    keys('buffer', [[[bytes()]], [[bytes(1, 2)], [bytes(1, 2)]], [[bytes(1, 3)]], [[bytes(12)]]]);
    keys('boxed', [
      [[5, 's', true]],
      [
        [new Number(5), 's', true],
        [new Number(5), 's', true],
      ],
      [[5, new String('s'), true]],
      [[5, 's', new Boolean(true)]],
      [[6, 's', true]],
      [[5, 't', true]],
      [[5, 's', false]],
    ]);
  });

  it('class instances: the exact class by its fields, a subclass by the runtime', () => {
    const P = mod.Point;
    const P3 = mod.Point3;
    keys('point', [[[new P(1, 2)], [new P(1, 2)]], [[new P(2, 1)]], [[new P3(1, 2, 3)]], [[new P3(1, 2, 4)]]]);
    keys('points', [
      [[[]]],
      [[[new P(1, 2)]]],
      [[[new P3(1, 2, 3)]]],
      [[[new P(1, 2), new P(1, 2)]]],
      [[[new P(1, 3)]]],
    ]);
    // A class's text is labelled with its name: an instance is not a plain object of its fields.
    keys('pointOrShape', [[[new P(1, 2)]], [[{ x: 1, y: 2 }]], [[new P(1, 3)]], [[{ x: 1, y: 3 }]]], false);
    // A Date subclass compares (and copies) by its time.
    const S = mod.Stamp;
    keys('stamp', [
      [[new S(1)], [new S(1)]],
      [[new S(2)]],
      [[new S(Number.NaN)], [new S(Number.NaN)]],
      [[new Date(1)]],
    ]);
    // A function in a union is keyed by identity (storage=memory), not refused.
    const f = () => 1;
    keys('fnOrText', [[[f], [f]], [[() => 1]], [['f']]]);
    keys('boxedOrText', [[[5], [5]], [[6]], [[new Number(5)]], [['5']]]);
    keys('boxes', [[['a']], [['b']], [[true]], [[false]], [[new String('a')]], [[1]]]);
    keys('collections', [
      [[new Map([['a', 1]])], [new Map([['a', 1]])]],
      [[new Map([['a', 2]])]],
      [[new Set([1])], [new Set([1])]],
      [[new Set([2])]],
      [[undefined]],
    ]);
    keys('custom', [[[new mod.Account(1, 'a')], [new mod.Account(1, 'b')]], [[new mod.Account(2, 'a')]]]);
  });

  it('typed arrays: by type and by each number (NaN is NaN, 0 is not -0 in text)', () => {
    const f = (...xs: number[]) => Float64Array.from(xs);
    keys('floats', [[[f()]], [[f(1)]], [[f(1, 2)]], [[f(2, 1)]], [[f(Number.NaN)], [f(Number.NaN)]], [[f(0.5)]]]);
    // The hash of a typed array leaves its type out (equality and text hold it).
    keys('typed', [[[Int8Array.of(1)]], [[Uint8Array.of(1)]], [[Int8Array.of(2)]], [[new Int8Array(0)]]], false);
  });

  it('dates, values keyed by the runtime, and recursive types', () => {
    keys('date', [[[new Date(1)], [new Date(1)]], [[new Date(2)]], [[new Date(Number.NaN)]]]);
    keys('anything', [[[1]], [['1']], [[{ a: 1 }], [{ a: 1 }]], [[[1]]], [[null]]]);
    const l = (...xs: number[]) => xs.reduceRight<unknown>((next, value) => ({ value, next }), null);
    keys('list', [[[l(1)]], [[l(1, 2)], [l(1, 2)]], [[l(2, 1)]], [[l(1, 2, 3)]]]);
  });

  it('arrays of arrays and of objects', () => {
    keys('nested', [[[[]]], [[[[]]]], [[[[], []]]], [[[[1]]]], [[[[1], []]]], [[[[], [1]]]], [[[[1, 2]]]]]);
    keys('objects', [[[[]]], [[[{ a: 1 }]]], [[[{ a: 1 }, { a: 1 }]]], [[[{ a: 2 }]]], [[[{ a: 1 }, { a: 2 }]]]]);
  });
});

describe('snapshots are private copies', () => {
  it('of every composite kind', () => {
    privateCopy(
      'objects',
      () => [[{ a: 1 }]],
      ([o]) => {
        (o as { a: number }[])[0]!.a = 2;
      },
    );
    privateCopy(
      'objects',
      () => [[{ a: 1 }]],
      ([o]) => {
        (o as unknown[]).push({ a: 1 });
      },
    );
    privateCopy(
      'nested',
      () => [[[1]]],
      ([n]) => {
        (n as number[][])[0]!.push(2);
      },
    );
    privateCopy(
      'tupleRest',
      () => [[1, 'a']],
      ([t]) => {
        (t as unknown[]).push('b');
      },
    );
    privateCopy(
      'tupleRest',
      () => [[1, 'a']],
      ([t]) => {
        (t as unknown[])[1] = 'b';
      },
    );
    privateCopy(
      'tupleOpt',
      () => [[1, 'a']],
      ([t]) => {
        (t as unknown[])[1] = 'b';
      },
    );
    privateCopy(
      'props',
      () => [{ a: 1, 'b-c': 'x', [mod.rank]: 1 }],
      ([o]) => {
        (o as Record<PropertyKey, unknown>)[mod.rank] = 2;
      },
    );
    privateCopy(
      'props',
      () => [{ a: 1, 'b-c': 'x', [mod.rank]: 1 }],
      ([o]) => {
        (o as Record<string, unknown>).a = 2;
      },
    );
    privateCopy(
      'mapPrim',
      () => [new Map([[1, 'a']])],
      ([m]) => {
        (m as Map<number, string>).set(1, 'b');
      },
    );
    privateCopy(
      'mapObj',
      () => [new Map([[{ id: 1 }, { v: 'a' }]])],
      ([m]) => {
        for (const [k, v] of m as Map<{ id: number }, { v: string }>) {
          k.id = 2;
          v.v = 'b';
        }
      },
    );
    privateCopy(
      'setPrim',
      () => [new Set(['a'])],
      ([x]) => {
        (x as Set<string>).add('b');
      },
    );
    privateCopy(
      'setObj',
      () => [new Set([{ n: 1 }])],
      ([x]) => {
        for (const o of x as Set<{ n: number }>) o.n = 2;
      },
    );
    privateCopy(
      'record',
      () => [{ a: { x: 1 } }],
      ([r]) => {
        (r as Record<string, { x: number }>).a!.x = 2;
      },
    );
    privateCopy(
      'record',
      () => [{ a: { x: 1 } }],
      ([r]) => {
        (r as Record<string, { x: number }>).b = { x: 1 };
      },
    );
    privateCopy(
      'disc',
      () => [{ kind: 'a', x: 1 }],
      ([d]) => {
        (d as { x: number }).x = 2;
      },
    );
    privateCopy(
      'union',
      () => [new mod.Point(1, 2)],
      ([p]) => {
        (p as { x: number }).x = 2;
      },
    );
    privateCopy(
      'union',
      () => [new Date(1)],
      ([d]) => {
        (d as Date).setTime(2);
      },
    );
    privateCopy(
      'point',
      () => [new mod.Point(1, 2)],
      ([p]) => {
        (p as { y: number }).y = 3;
      },
    );
    privateCopy(
      'floats',
      () => [Float64Array.of(1)],
      ([f]) => {
        (f as Float64Array)[0] = 2;
      },
    );
    privateCopy(
      'typed',
      () => [Int8Array.of(1)],
      ([f]) => {
        (f as Int8Array)[0] = 2;
      },
    );
    privateCopy(
      'stamp',
      () => [new mod.Stamp(1)],
      ([d]) => {
        (d as Date).setTime(2);
      },
    );
    privateCopy(
      'date',
      () => [new Date(1)],
      ([d]) => {
        (d as Date).setTime(2);
      },
    );
    privateCopy(
      'list',
      () => [{ value: 1, next: { value: 2, next: null } }],
      ([l]) => {
        (l as { next: { value: number } }).next.value = 3;
      },
    );
    privateCopy(
      'rest',
      () => [1, 'a'],
      (args) => {
        args.push('b');
      },
    );
  });
});

describe('more shapes', () => {
  it('items that are not self-delimiting, and optional members of one type', () => {
    keys('maybes', [[[[]]], [[[null]]], [[[1, 2]]], [[[12]]], [[[1, null]]], [[[null, 1]]], [[[2, 1]]]]);
    const m = (...e: [string, number | undefined][]) => new Map(e);
    keys('mapOpt', [[[m(['a', undefined])]], [[m(['b', undefined])]], [[m(['a', 1])]], [[m()]]]);
    keys('opts', [[[{}]], [[{ a: 1 }]], [[{ b: 1 }]], [[{ a: 1, b: 1 }]], [[{ a: undefined }]], [[{ b: undefined }]]]);
  });

  it('unions of numbers with other kinds: NaN equals NaN, each kind its own text', () => {
    keys('scalars', [[[1]], [[1n]], [[new Date(1)]], [[2]], [[Number.NaN], [Number.NaN]]], false);
    keys('numOrStr', [[[Number.NaN], [Number.NaN]], [[1]], [['1']], [['NaN']]]);
    // A built-in's text starts with its name: \`/a/\` is not the string "a/".
    // A value of the other member is not taken for a RegExp.
    keys('maybePattern', [[[undefined]], [[/a/]], [[/b/]]]);
    keys('patterns', [[[/a/]], [['a/']], [[5]], [[new Number(5)]], [['number:5']]], false);
  });

  it('a value of none of the declared kinds is keyed by the runtime', () => {
    // Passed from JavaScript: a tag the discriminated union does not list, a kind the union has not.
    keys('disc', [[[{ kind: 'z', x: 1 }]], [[{ kind: 'z', x: 2 }]]], false);
    keys('union', [[[true]], [[false]], [[{ a: 1 }]]], false);
  });
});

describe('keys the runtime computes, shared helpers and deep values', () => {
  it('no parameters: every call has the one key', () => {
    keys('none', [[[], []]]);
  });

  it('numbers side by side, and a rest of numbers', () => {
    keys('echoList', [[['a', 1, 23, 0]], [['a', 12, 3, 0]], [['a', 1, 2, 30]], [['a1', 2, 3, 0]]]);
    keys('restNumbers', [[[]], [[0]], [[0, 0]]]);
  });

  it('a lone number or string is its own key; a lone boolean is not', () => {
    // Hashes may meet (0 and NaN do in the hash of a number): the key is the value itself.
    keys('num', [[[1], [1]], [[2]], [[0]], [[Number.NaN], [Number.NaN]], [[12]]], false);
    keys('str', [[['a'], ['a']], [['b']], [['']], [['1']]], false);
    keys('flag', [[[true], [true]], [[false]]]);
  });

  it("arrays of strings through the runtime's shared helpers", () => {
    keys('strs', [
      [[[]], [[]]],
      [[['a']]],
      [[['a', 'b']], [['a', 'b']]],
      [[['b', 'a']]],
      [[['ab']]],
      [[['']]],
      [[['', '']]],
      [[['a,b']]],
    ]);
    privateCopy(
      'strs',
      () => [['a']],
      ([xs]) => {
        (xs as string[])[0] = 'b';
      },
    );
  });

  it('class instances keyed by the runtime: by their state, never by the object', () => {
    const E = mod.twinErrors as (new (message: string) => Error)[];
    keys('anything', [[[new E[0]!('a')], [new E[0]!('a')]], [[new E[1]!('a')]], [[new E[0]!('b')]]]);
    keys('err', [
      [[new Error('a')], [new Error('a')]],
      [[new Error('b')]],
      [[new TypeError('a')]],
      // storage=memory: two classes of one name are two classes.
      [[new E[0]!('a')], [new E[0]!('a')]],
      [[new E[1]!('a')]],
    ]);
    privateCopy(
      'err',
      () => [new Error('a')],
      ([e]) => {
        (e as Error).message = 'b';
      },
    );
  });

  it('functions by identity (storage=memory), apart from numbers in a union', () => {
    const f = () => 1;
    const g = () => 1;
    keys('anything', [[[f], [f]], [[g]], [[1]]]);
    // An identity is a number: the function's text must not be the text of that number, nor its
    // hash (a union's hash marks its member).
    const id = (fn: () => number) => Number(/\d+/.exec(encoders.fnOrNum.text([fn]))?.[0]);
    keys('fnOrNum', [[[f], [f]], [[g]], [[id(f)]], [[id(g)]], [[0]]]);
  });

  it('persistent storage: no key depends on the identity of a function', () => {
    keys('anyStored', [[[new Error('a')], [new Error('a')]], [[new Error('b')]], [[new TypeError('a')]], [[{ a: 1 }]]]);
    keys('errStored', [[[new Error('a')], [new Error('a')]], [[new Error('b')]], [[new TypeError('a')]]]);
    // A function has no key a persistent tier could keep: the call runs uncached.
    const anyStored = encoders.anyStored;
    expect(() => anyStored.text([() => 1])).toThrow(/function/);
    expect(() => anyStored.hash([() => 1])).toThrow(/function/);
  });

  it('values of a recursive type nested past the depth limit, and cyclic ones', () => {
    const list = (length: number, last: number): { value: number; next: unknown } => {
      let l = { value: last, next: null as unknown };
      for (let i = 1; i < length; i++) l = { value: 1, next: l };
      return l;
    };
    const cycle = (...values: number[]) => {
      const nodes = values.map((value) => ({ value, next: null as unknown }));
      nodes.forEach((n, i) => {
        n.next = nodes[(i + 1) % nodes.length];
      });
      return nodes[0];
    };
    keys('list', [
      [[list(1500, 0)], [list(1500, 0)]],
      [[list(1500, 2)]],
      [[list(1501, 0)]],
      [[list(1000, 0)]],
      [[cycle(1)], [cycle(1)]],
      [[cycle(2)]],
      [[cycle(1, 1)]],
    ]);
    privateCopy(
      'list',
      () => [list(1200, 0)],
      ([l]) => {
        let node = l as { value: number; next: unknown };
        while (node.next !== null) node = node.next as typeof node;
        node.value = 5;
      },
    );
    // The depth count goes back down after each call: after all the calls above and 2000 more,
    // a short list is still keyed by the generated helpers, not by the runtime's fallback for
    // values nested too deep (its text starts with "@").
    const encoder = encoders.list;
    for (let i = 0; i < 2000; i++) encoder.hash([list(3, 0)]);
    expect(encoder.text([list(3, 0)])).not.toMatch(/^@/);
  });
});

describe('encoders over a call', () => {
  it('methods: keyed by `this` and the arguments, positional and over an argument list', () => {
    const S = mod.Shelf as new (n: number) => object;
    keys('Shelf$item', [
      [
        [new S(1), 1],
        [new S(1), 1],
      ],
      [[new S(1), 2]],
      [[new S(2), 1]],
      [[new S(12), 1]],
    ]);
    keys('Shelf$items', [
      [
        [new S(1), 1],
        [new S(1), 1],
      ],
      [[new S(1), 1, 'a']],
      [
        [new S(1), 1, 'a', 'b'],
        [new S(1), 1, 'a', 'b'],
      ],
      [[new S(1), 1, 'b', 'a']],
      [[new S(1), 1, 'ab']],
      [[new S(1), 2, 'a']],
      [[new S(2), 1, 'a']],
    ]);
    keys('Shelf$pair', [
      [
        [new S(1), 'a', 1, true, 2],
        [new S(1), 'a', 1, true, 2],
      ],
      [[new S(1), 'a', 1, true, 3]],
      [[new S(1), 'a', 1, false, 2]],
      [[new S(1), 'a', 2, true, 2]],
      [[new S(1), 'b', 1, true, 2]],
      [[new S(2), 'a', 1, true, 2]],
    ]);
  });
});

/**
 * Two argument lists of `echo` or `echoList` (a string, then numbers) with one hash, made from the
 * runtime's hash (FNV-style: `h = (h ^ x) * P` a step): after the string the state is S(a), and
 * a number x makes it S(a) ^ x, so ("k1", 0) and ("k2", S("k1") ^ S("k2")) meet there and stay
 * together. `after` is the number of steps after the string when the numbers are 0; S comes from
 * the hash by undoing them. generate-survivors.test.ts checks that the two do collide.
 */
export function collision(
  hash: (...args: unknown[]) => number,
  after: number,
): [[string, ...number[]], [string, ...number[]]] {
  const list = hash === mod.echoList_hash;
  const zeros = list ? [0, 0, 0] : [0];
  const at = (args: unknown[]) => (list ? hash(args) : hash(undefined, ...args));
  // The inverse of P modulo 2^32 (Newton's iteration).
  const P = 16777619;
  let inverse = P;
  for (let i = 0; i < 5; i++) inverse = Math.imul(inverse, 2 - Math.imul(P, inverse));
  const state = (a: string) => {
    let h = at([a, ...zeros]);
    for (let i = 0; i < after; i++) h = Math.imul(h, inverse);
    return h;
  };
  return [
    ['k1', ...zeros],
    ['k2', state('k1') ^ state('k2'), ...zeros.slice(1)],
  ];
}

/**
 * Two strings of two characters with one runtime string hash (`hashString(0, s)`: the length,
 * then each character, `h = (h ^ x) * P`): after the first character the states U and U' agree
 * but for their low 16 bits, and the second characters make up the difference.
 */
export function stringCollision(): [string, string] {
  const P = 16777619;
  const start = Math.imul(0 ^ 2, P);
  const byHigh = new Map<number, number>();
  for (let c = 0; ; c++) {
    const u = Math.imul(start ^ c, P);
    const other = byHigh.get(u >>> 16);
    if (other !== undefined) {
      const v = Math.imul(start ^ other, P);
      return [String.fromCharCode(other, 0x41), String.fromCharCode(c, 0x41 ^ ((u ^ v) & 0xffff))];
    }
    byHigh.set(u >>> 16, c);
  }
}

describe('calls through the runtime', () => {
  it('arguments of one hash each get their own value', () => {
    const [a, b] = collision(mod.echo_hashAt, 1);
    expect([mod.echo(...a), mod.echo(...b), mod.echo(...a)]).toEqual([a.join('|'), b.join('|'), a.join('|')]);
    const [c, d] = collision(mod.echoList_hash, 3);
    expect([mod.echoList(...c), mod.echoList(...d)]).toEqual([c.join('|'), d.join('|')]);
    // A lone string is its own key: two of one string hash are two keys.
    const [e, f] = stringCollision();
    expect([mod.echoStr(e), mod.echoStr(f), mod.echoStr(e)]).toEqual([e, f, e]);
  });

  it('arguments of one hash: each call after the first is a hit, not a second run', () => {
    const [a, b] = collision(mod.echo_hashAt, 1);
    mod.echo(...a);
    mod.echo(...b); // both stored now (also when an earlier test stored them)
    const before = stats(mod.echo);
    const values = [mod.echo(...a), mod.echo(...b), mod.echo(...a), mod.echo(...b)];
    const after = stats(mod.echo);
    expect(values).toEqual([a.join('|'), b.join('|'), a.join('|'), b.join('|')]);
    expect([after.hits - before.hits, after.misses - before.misses]).toEqual([4, 0]);
  });

  it('wrappers: a declaration, a const, a method and a static method run once a key', () => {
    // Fresh arguments each time: the runtime's tables outlive one compiled module.
    const k = `w${Math.random()}`;
    const S = mod.Shelf as new (n: number) => { item(i: number): number; items(i: number, ...names: string[]): number };
    const before = mod.calls as number;
    const shelf = new S(k.length);
    const n = k.length;
    const results = [
      mod.echoConst(k, 1),
      mod.echoConst(k, 1),
      mod.echoConst(k, 2),
      shelf.item(1),
      shelf.item(1),
      new S(n + 1).item(1),
      shelf.items(1, k, 'b'),
      shelf.items(1, k, 'b'),
      shelf.items(1, k),
      mod.Shelf.twice(k),
      mod.Shelf.twice(k),
    ];
    expect(results).toEqual([`${k}|1`, `${k}|1`, `${k}|2`, n + 1, n + 1, n + 2, n + 3, n + 3, n + 2, k + k, k + k]);
    expect(mod.calls - before).toBe(7);
    expect([mod.echoConst.length, shelf.items.length, mod.echo.name, shelf.item.name]).toEqual([2, 1, 'echo', 'item']);
  });

  it("verify mode: the runtime's reflective key over the same values", () => {
    expect(encoders.two.reflect(['a', 1])).toBe(reflectKey(['a', 1]));
    expect(encoders.four.reflect([1, 'a', true, 2n])).toBe(reflectKey([1, 'a', true, 2n]));
    expect(encoders.rest.reflect([1, 'a', 'b'])).toBe(reflectKey([1, ['a', 'b']]));
    expect(encoders.restNumbers.reflect([])).toBe(reflectKey([[]]));
    expect(encoders.none.reflect([])).toBe(reflectKey([]));
  });
});

describe('more of the key code', () => {
  it('a class imported from another module, two recursive types, one generic type twice', () => {
    const B = mod.Badge as new (id: number) => object;
    class Sub extends (mod.Badge as new (id: number) => object) {}
    keys('badge', [[[new B(1)], [new B(1)]], [[new B(2)]], [[new Sub(1)], [new Sub(1)]], [[{ id: 1 }]]], false);
    const t = (label: string, ...kids: unknown[]) => ({ label, kids });
    keys('tree', [
      [[t('a')], [t('a')]],
      [[t('b')]],
      [[t('a', t('b'))]],
      [[t('a', t('b'), t('c'))]],
      [[t('a', t('c'))]],
    ]);
    const l = (...xs: number[]) => xs.reduceRight<unknown>((next, value) => ({ value, next }), null);
    keys('list', [[[l(1)]], [[l(1, 2)]]]);
    keys('generic', [
      [
        [{ v: 1 }, { v: 'a' }],
        [{ v: 1 }, { v: 'a' }],
      ],
      [[{ v: 2 }, { v: 'a' }]],
      [[{ v: 1 }, { v: 'b' }]],
    ]);
  });

  it('a value that is not an object, for an object type, runs the call uncached', () => {
    const forms: Form[] = ['props', 'disc', 'record', 'objects', 'tupleRest', 'mapPrim', 'setPrim', 'floats'];
    for (const form of [...forms, 'point', 'regexp', 'date', 'url', 'buffer', 'list', 'badge'] as Form[]) {
      for (const value of [1, 'ab', null, undefined, true]) {
        const args = form === 'url' ? [value, new URLSearchParams()] : [value];
        expect(() => encoders[form].hash(args), `${form}(${String(value)})`).toThrow(/not of its declared type/);
      }
    }
  });
});

describe('the plan handed to the runtime', () => {
  it('options as written, and an encoder member for each generated function', () => {
    // The plan is defined on the first call, before the promise (the replay runs cases in sync).
    mod.planned(1).catch(() => undefined);
    mod.echo('p', 1);
    mod.echoStr('p');
    mod.echoList('p', 1, 2, 3);
    const of = (name: string) => {
      const plan = [...plans.values()].find((p) => String(p.id).endsWith(`#${name}`));
      if (plan === undefined) throw new Error(`no plan defined for ${name}`);
      const encoder = plan.encoder as Record<string, { name: string }>;
      // Each member is the generated function of its name.
      for (const [member, fn] of Object.entries(encoder)) expect(fn.name).toBe(`__cachet$${name}$${member}`);
      return { ...plan, id: String(plan.id).replace(/.*#/, ''), encoder: Object.keys(encoder) };
    };
    expect({ ...of('planned'), encoder: undefined }).toEqual({
      id: 'planned',
      version: '3',
      ttl: '5m',
      swr: '1m',
      storage: 'memory',
      async: true,
      codec: 'json',
      encoder: undefined,
    });
    // Options not written are left out, not written as undefined.
    expect(Object.keys(of('echo'))).toEqual(['id', 'storage', 'async', 'codec', 'encoder']);
    // Every generated function is handed over: `hashAt` without `equalsAt` would make the
    // runtime take the hash for the key. (Whether a lone string is its own key is the
    // generator's choice: either way is right, as long as the two agree.)
    const generated = (name: string) =>
      ['hash', 'equals', 'hashAt', 'equalsAt', 'snapshot', 'text', 'reflect']
        .filter((op) => mod[`${name}_${op}`] !== undefined)
        .sort();
    for (const name of ['planned', 'echo', 'echoStr', 'echoList'])
      expect(of(name).encoder.sort()).toEqual(generated(name));
    expect(of('echo').encoder).toContain('equalsAt');
    expect(of('echoList').encoder.sort()).toEqual(['equals', 'hash', 'reflect', 'snapshot', 'text']);
  });
});
