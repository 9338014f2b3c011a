/**
 * Property-based tests: for each type form, the generated encoder calls two random values equal
 * (hash + equals on the memory path, and text for persistent tiers) exactly when they are
 * structurally equal, and equal values always share a hash.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCompiler } from '../src/index.js';
import { compilerOptions } from './helpers.js';
import { RUNTIME_MODULE, writeNamespace } from './keys-harness.js';
import { reorderedCopy, structurallyEqual } from './structural.js';

/** One function per type form; each takes one parameter `x` of that type. */
const forms = {
  str: 'string',
  num: 'number',
  prim: 'string | number | boolean | bigint | null | undefined',
  lit: "'a' | 'b' | 1 | 2",
  obj: '{ a: number; b?: string; readonly c: boolean[] }',
  disc: "{ kind: 'p'; x: number; y: number } | { kind: 'q'; label: string }",
  loose: '{ a: number } | { b: string }',
  rec: 'Record<string, number>',
  nested: 'number[][]',
  strings: 'readonly string[]',
  numbers: 'number[]',
  tuple: '[number, string?]',
  date: 'Date',
  map: 'Map<string, number[]>',
  objectMap: 'Map<{ id: number }, string>',
  set: 'Set<number>',
  objectSet: 'Set<{ name: string }>',
  typed: 'Int32Array',
  tree: 'Tree',
} as const;

type Form = keyof typeof forms;

const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.record({
    value: fc.integer({ min: 0, max: 2 }),
    children: fc.oneof({ maxDepth: 3 }, fc.constant([]), fc.array(tie('node'), { maxLength: 2 })),
  }),
})).node;

const small = fc.integer({ min: -2, max: 2 });
const number = fc.oneof(small, fc.constantFrom(Number.NaN, -0, 0, 0.5, Number.POSITIVE_INFINITY));
const shortString = fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'b', '|', ',', '"', '\\') });

const arbitraries: Record<Form, fc.Arbitrary<unknown>> = {
  str: shortString,
  num: number,
  prim: fc.oneof(
    shortString,
    small,
    fc.boolean(),
    fc.bigInt({ min: -2n, max: 2n }),
    fc.constant(null),
    fc.constant(undefined),
    fc.constantFrom('1', 'true', 'null'),
  ),
  lit: fc.constantFrom('a', 'b', 1, 2),
  obj: fc.record(
    { a: small, b: fc.option(shortString, { nil: undefined }), c: fc.array(fc.boolean(), { maxLength: 2 }) },
    { requiredKeys: ['a', 'c'] },
  ),
  disc: fc.oneof(
    fc.record({ kind: fc.constant('p'), x: small, y: small }),
    fc.record({ kind: fc.constant('q'), label: shortString }),
  ),
  loose: fc.oneof(fc.record({ a: small }), fc.record({ b: shortString })),
  rec: fc.dictionary(fc.constantFrom('a', 'b', 'c'), small, { maxKeys: 3 }),
  nested: fc.array(fc.array(small, { maxLength: 3 }), { maxLength: 3 }),
  strings: fc.array(shortString, { maxLength: 3 }),
  numbers: fc.array(number, { maxLength: 3 }),
  tuple: fc.oneof(fc.tuple(small), fc.tuple(small, shortString), fc.tuple(small, fc.constant(undefined))),
  date: fc.oneof(
    fc.integer({ min: 0, max: 2 }).map((t) => new Date(t)),
    fc.constant(new Date(Number.NaN)),
  ),
  map: fc
    .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.array(small, { maxLength: 2 })), { maxLength: 3 })
    .map((e) => new Map(e)),
  objectMap: fc
    .array(fc.tuple(fc.record({ id: fc.integer({ min: 0, max: 2 }) }), fc.constantFrom('x', 'y')), { maxLength: 3 })
    .map((e) => new Map(e)),
  set: fc.array(number, { maxLength: 4 }).map((e) => new Set(e)),
  objectSet: fc.array(fc.record({ name: fc.constantFrom('a', 'b') }), { maxLength: 3 }).map((e) => new Set(e)),
  typed: fc.array(small, { maxLength: 3 }).map((e) => Int32Array.from(e)),
  tree,
};

interface Encoder {
  hash(a: ArrayLike<unknown>, self: unknown): number;
  snapshot(a: ArrayLike<unknown>, self: unknown): unknown;
  equals(s: unknown, a: ArrayLike<unknown>, self: unknown): boolean;
  text(a: ArrayLike<unknown>, self: unknown): string;
}

const here = dirname(fileURLToPath(import.meta.url));
let encoders: Record<Form, Encoder>;

/** Compiles the forms with the real compiler and imports the generated encoders. */
beforeAll(async () => {
  const dir = join(here, '.tmp/property');
  mkdirSync(dir, { recursive: true });
  const source = [
    'export interface Tree { value: number; children: Tree[] }',
    ...Object.entries(forms).map(
      ([name, type]) => `/** @cached storage=memory */\nexport function ${name}(x: ${type}): number { return 1; }`,
    ),
  ].join('\n');
  const file = join(dir, 'forms.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([file], compilerOptions);
  writeNamespace(dir);
  const result = createCompiler({ ts, options: { runtimeModule: RUNTIME_MODULE } }).transform({
    program,
    fileName: file.replace(/\\/g, '/'),
  });
  if (result === undefined) throw new Error('nothing compiled');
  expect(result.diagnostics).toEqual([]);
  // Each form has one parameter: the encoder has the positional hash and equality (no equality
  // for a lone number or string, its own key), from which the runtime derives the forms over an
  // argument list; the test derives them the same way.
  const ops = ['hashAt', 'equalsAt', 'snapshot', 'text'];
  const exports = Object.keys(forms)
    .flatMap((name) =>
      ops
        .filter((op) => result.code.includes(`function __cachet$${name}$${op}(`))
        .map((op) => `__cachet$${name}$${op} as ${name}_${op}`),
    )
    .join(', ');
  const js = ts.transpileModule(`${result.code}\nexport { ${exports} };`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  const out = join(dir, 'forms.mjs');
  writeFileSync(out, js.outputText);
  // biome-ignore lint/suspicious/noExplicitAny: the generated functions, as the module exports them
  const mod = (await import(pathToFileURL(out).href)) as Record<string, any>;
  encoders = Object.fromEntries(
    Object.keys(forms).map((name) => {
      const hashAt = mod[`${name}_hashAt`];
      const equalsAt = mod[`${name}_equalsAt`];
      const encoder: Encoder = {
        hash: (a, self) => hashAt(self, a[0]),
        snapshot: mod[`${name}_snapshot`],
        // Without equalsAt the hash is the key: equal as a Map compares keys (SameValueZero).
        equals:
          equalsAt === undefined
            ? (s, a, self) => [hashAt(self, (s as unknown[])[0])].includes(hashAt(self, a[0]))
            : (s, a, self) => equalsAt(s, self, a[0]),
        text: mod[`${name}_text`],
      };
      return [name, encoder];
    }),
  ) as Record<Form, Encoder>;
});

/** Pairs of values: independent ones, and copies with Map, Set and key order reversed. */
function pairs(arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<[unknown, unknown]> {
  return fc.oneof(
    fc.tuple(arbitrary, arbitrary),
    arbitrary.map((value): [unknown, unknown] => [value, reorderedCopy(value)]),
  );
}

describe('generated encoders agree with structural equality', () => {
  it.each(Object.keys(forms) as Form[])('%s', (form) => {
    const encoder = encoders[form];
    fc.assert(
      fc.property(pairs(arbitraries[form]), ([a, b]) => {
        const equal = structurallyEqual(a, b);
        const snapshot = encoder.snapshot([a], undefined);
        expect(encoder.equals(snapshot, [b], undefined)).toBe(equal);
        expect(encoder.text([a], undefined) === encoder.text([b], undefined)).toBe(equal);
        // Hashes are Map keys: equal as a Map compares them (SameValueZero: a lone number is its
        // own hash, and 0 and -0 are one key).
        if (equal) expect(new Set([encoder.hash([a], undefined), encoder.hash([b], undefined)]).size).toBe(1);
        // The snapshot is a private copy: equal to what it was made from.
        expect(encoder.equals(snapshot, [a], undefined)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
