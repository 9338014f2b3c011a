/**
 * Differential property of keys (issue 12): for generated type shapes compiled with the real
 * compiler, and for `cached(fn)` with generated plain values, two calls share a key exactly when
 * their arguments are equal under DESIGN.md's Keys contract (`contract.ts`, written independently
 * of any encoder), and the function always receives exactly its own arguments.
 *
 * `npm test` runs a fixed seed and a bounded number of runs; `node scripts/fuzz-keys.mjs` runs the
 * same properties for minutes with a random seed (FUZZ_SEED, FUZZ_RUNS, FUZZ_SHAPES).
 */
import { cached, cacheKey, clear } from '@cachet/runtime';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { equalReflectively, equalUnderContract, reflectivelyUncacheable, useCacheKeySymbol } from './contract.js';
import { type CompiledShapes, checkPair, compileShapes, type Subject, type Token } from './harness.js';
import { cyclic, deepArray, reflectiveFamilies } from './reflective.js';
import { functionName, type Shape, shapes } from './shapes.js';
import { pairsOf, show } from './values.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261202);
const runs = Number(process.env.FUZZ_RUNS ?? 150);
const only = process.env.FUZZ_SHAPES?.split(',');
const selected = shapes.filter((s) => only === undefined || only.some((o) => s.name.includes(o)));

useCacheKeySymbol(cacheKey);

let compiled: CompiledShapes;

beforeAll(async () => {
  compiled = await compileShapes(selected);
}, 120_000);

/** Runs a property and turns a counterexample into one readable failure. */
async function assertProperty<T>(
  subject: Subject,
  arbitrary: fc.Arbitrary<T>,
  check: (v: T) => string | undefined,
  numRuns: number,
  examples: T[] = [],
): Promise<void> {
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (v) => {
      await subject.reset();
      const violation = check(v);
      if (violation !== undefined) throw new Error(violation);
    }),
    { seed, numRuns, examples: examples.map((e) => [e] as [T]) },
  );
  if (!details.failed) return;
  const shown = show(details.counterexample?.[0]).slice(0, 1500);
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  expect.fail(`${cause}\ncounterexample: ${shown}\n(seed ${seed}, path "${details.counterexamplePath}")`);
}

function subjectOf(shape: Shape): Subject {
  const mod = compiled.modules.get(shape.name);
  if (mod === undefined) throw new Error(`${shape.name} did not compile`);
  const fn = mod[functionName(shape)] as (...args: unknown[]) => Token;
  return { call: (args) => fn(...args), calls: () => mod.fuzz$calls() as number, reset: () => mod.fuzz$clear(fn) };
}

describe('the reference equality tells apart what keys must tell apart', () => {
  const N = { k: 'number' } as const;
  const cat = class Cat {
    constructor(public name: string) {}
  };
  const dog = class Dog {
    constructor(public name: string) {}
  };
  const list = (values: number[], back?: number) => {
    const nodes = values.map((v) => ({ v }) as { v: number; next?: unknown });
    nodes.forEach((n, i) => {
      n.next = i + 1 < nodes.length ? nodes[i + 1] : back === undefined ? undefined : nodes[back];
    });
    if (back === undefined) delete nodes[nodes.length - 1]?.next;
    return nodes[0];
  };
  const listModel = {
    k: 'object',
    props: [
      { key: 'v', type: N },
      { key: 'next', type: { k: 'ref', get: () => listModel }, optional: true },
    ],
  } as const;

  it.each([
    ['1 vs 2', [N], [1], [2], 'distinct'],
    ['NaN vs NaN', [N], [Number.NaN], [Number.NaN], 'equal'],
    ['-0 vs 0', [N], [-0], [0], 'either'],
    ['1 vs "1" in a union', [{ k: 'union', of: [N, { k: 'string' }] }], [1], ['1'], 'distinct'],
    [
      'optional missing vs undefined',
      [{ k: 'object', props: [{ key: 'b', type: { k: 'any' }, optional: true }] }],
      [{}],
      [{ b: undefined }],
      'distinct',
    ],
    ['excess property', [{ k: 'object', props: [{ key: 'a', type: N }] }], [{ a: 1 }], [{ a: 1, z: 2 }], 'equal'],
    [
      'Cat vs Dog',
      [
        {
          k: 'union',
          of: [
            { k: 'class', proto: () => cat.prototype, props: [{ key: 'name', type: { k: 'string' } }] },
            { k: 'class', proto: () => dog.prototype, props: [{ key: 'name', type: { k: 'string' } }] },
          ],
        },
      ],
      [new cat('a')],
      [new dog('a')],
      'distinct',
    ],
    [
      'Date subclass with another zone',
      [{ k: 'builtin', name: 'Date' }],
      [Object.assign(new (class Z extends Date {})(0), { zone: 'UTC' })],
      [Object.assign(new (class Z extends Date {})(0), { zone: 'Asia/Tokyo' })],
      'distinct',
    ],
    [
      'Map order',
      [{ k: 'map', key: { k: 'string' }, value: N }],
      [
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ],
      [
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ],
      'equal',
    ],
    [
      'Set of equal objects vs one',
      [{ k: 'set', of: { k: 'object', props: [{ key: 'n', type: N }] } }],
      [new Set([{ n: 1 }, { n: 1 }])],
      [new Set([{ n: 1 }])],
      'distinct',
    ],
    ['inherited record key', [{ k: 'record', of: N }], [Object.create({ z: 1 })], [{}], 'equal'],
    ['isomorphic cycles', [listModel], [list([1, 2], 0)], [list([1, 2], 0)], 'equal'],
    ['cycle of 1 vs unrolled cycle of 2', [listModel], [list([1], 0)], [list([1, 1], 0)], 'either'],
    ['cycle vs list', [listModel], [list([1, 1], 0)], [list([1, 1])], 'distinct'],
    ['reflective: boxed numbers', [{ k: 'any' }], [new Number(1)], [new Number(2)], 'distinct'],
    ['reflective: error messages', [{ k: 'any' }], [new Error('a')], [new Error('b')], 'distinct'],
    ['reflective: URLs', [{ k: 'any' }], [new URL('https://a.test/')], [new URL('https://b.test/')], 'distinct'],
    [
      'reflective: registered symbol keys',
      [{ k: 'any' }],
      [{ [Symbol.for('k')]: 1 }],
      [{ [Symbol.for('k')]: 2 }],
      'distinct',
    ],
    ['Date by time', [{ k: 'builtin', name: 'Date' }], [new Date(1)], [new Date(2)], 'distinct'],
    ['Date equal', [{ k: 'builtin', name: 'Date' }], [new Date(1)], [new Date(1)], 'equal'],
    ['reflective: 1 vs "1"', [{ k: 'any' }], [1], ['1'], 'distinct'],
    ['reflective: equal plain', [{ k: 'any' }], [{ a: [1, { b: 2 }] }], [{ a: [1, { b: 2 }] }], 'equal'],
  ] as const)('%s', (_, params, a, b, verdict) => {
    expect(equalUnderContract(params as never, a, b)).toBe(verdict);
  });

  it('reflective: class instances without [cacheKey]() are uncacheable, with it they are keyed', () => {
    expect(reflectivelyUncacheable([new cat('a')], cacheKey)).toBe(true);
    expect(reflectivelyUncacheable([{ a: [new WeakMap()] }], cacheKey)).toBe(true);
    expect(reflectivelyUncacheable([{ [cacheKey]: () => 1 }, new Date(), new Map([[1, 2]])], cacheKey)).toBe(false);
    expect(equalReflectively([1, 2], [1])).toBe('distinct');
  });

  it('the pair check catches a wrong hit and a missed hit (a test that cannot fail is a defect)', () => {
    let n = 0;
    const impl = (...args: unknown[]): Token => ({ n: ++n, args });
    const collide = cached(impl, { id: 'fuzz-self-check-collide', storage: 'memory', key: () => 'one key' });
    const never = cached(impl, { id: 'fuzz-self-check-never', storage: 'memory', key: () => String(Math.random()) });
    const subject = (fn: (...a: unknown[]) => Token): Subject => ({
      call: (args) => fn(...args),
      calls: () => n,
      reset: () => clear(fn),
    });
    const eq = (x: readonly unknown[], y: readonly unknown[]) => equalReflectively(x, y);
    expect(checkPair(subject(collide), [1], [2], 'distinct', eq)).toMatch(/WRONG VALUE/);
    expect(checkPair(subject(never), [1], [1], 'equal', eq)).toMatch(/MISSED HIT/);
    const swap: Subject = { call: () => ({ n: ++n, args: ['other'] }), calls: () => n, reset: async () => {} };
    expect(checkPair(swap, [1], [1], 'equal', eq)).toMatch(/WRONG ARGUMENTS/);
  });
});

describe('compiled encoders: hit <=> equal under the contract', () => {
  it.each(selected.map((s) => [s.name, s] as const))('%s', async (_, shape) => {
    const refused = compiled.refusals.get(shape.name);
    if (shape.refused !== undefined) {
      expect(refused, 'must be a build error').toBeDefined();
      for (const name of shape.refused)
        expect((refused ?? []).join('\n'), 'the error names class and field').toContain(name);
      return;
    }
    if (refused !== undefined) expect.fail(`REFUSED at build (keyable per the contract):\n${refused.join('\n')}`);
    const mod = compiled.modules.get(shape.name);
    if (mod === undefined) expect.fail('did not compile');
    const subject = subjectOf(shape);
    const model = shape.model(mod);
    const equal = shape.equal ?? ((x: readonly unknown[], y: readonly unknown[]) => equalUnderContract(model, x, y));
    const numRuns = Math.min(runs, shape.runs ?? runs);
    if (shape.pairs !== undefined) {
      await assertProperty(
        subject,
        shape.pairs(mod),
        ({ a, b, verdict }) => checkPair(subject, a, b, verdict, equal),
        numRuns,
      );
    } else {
      await assertProperty(
        subject,
        pairsOf(shape.args(mod)),
        ([a, b]) => checkPair(subject, a, b, equal(a, b), equal),
        numRuns,
      );
    }
  });
});

describe('cached(fn) reflective: hit <=> equal under the reflective contract, uncacheable -> uncached', () => {
  let n = 0;
  const record = function recorded(...args: unknown[]): Token {
    return { n: ++n, args };
  };
  const fn = cached(record, { id: 'fuzz-reflective', storage: 'memory' });
  const subject: Subject = { call: (args) => fn(...args), calls: () => n, reset: () => clear(fn) };
  const uncacheable = (args: readonly unknown[]) => reflectivelyUncacheable(args, cacheKey);

  const families = Object.entries(reflectiveFamilies(cacheKey)).filter(
    ([name]) => only === undefined || only.some((o) => name.includes(o)),
  );
  it.each(families)('%s', async (_, pair: fc.Arbitrary<[unknown, unknown]>) => {
    // Argument lists of aligned pairs, plus the usual independent, copied and identical pairs.
    const aligned = fc
      .array(pair, { maxLength: 3 })
      .map((ps): [unknown[], unknown[]] => [ps.map((p) => p[0]), ps.map((p) => p[1])]);
    const args = fc.oneof(aligned, pairsOf(aligned.map(([a]) => a)));
    await assertProperty(
      subject,
      args,
      ([a, b]) => checkPair(subject, a, b, equalReflectively(a, b), equalReflectively, uncacheable),
      runs,
    );
  });

  it('cyclic values', async () => {
    await assertProperty(
      subject,
      pairsOf(cyclic.map((c) => [c])),
      ([a, b]) => checkPair(subject, a, b, equalReflectively(a, b), equalReflectively, uncacheable),
      Math.min(runs, 50),
    );
  });

  it('values nested up to 100 000 deep', async () => {
    const depthOf = (v: unknown) => {
      let d = 0;
      let x = v;
      for (; Array.isArray(x); d++) x = x[0];
      return `${d}:${String(x)}`;
    };
    const deepEqual = (x: readonly unknown[], y: readonly unknown[]) =>
      x.length === y.length && x.every((v, i) => depthOf(v) === depthOf(y[i])) ? 'equal' : 'distinct';
    const deepPair = (depth: number, leaf: number) => ({
      a: [deepArray(depth, 0)],
      b: [deepArray(depth, leaf)],
      verdict: leaf === 0 ? ('equal' as const) : ('distinct' as const),
      [fc.toStringMethod]: () => `arrays ${depth} deep, leaves 0 and ${leaf}`,
    });
    const depths = [10, 1_500, 100_000];
    await assertProperty(
      subject,
      fc.tuple(fc.constantFrom(...depths), fc.integer({ min: 0, max: 1 })).map(([d, leaf]) => deepPair(d, leaf)),
      ({ a, b, verdict }) => checkPair(subject, a, b, verdict, deepEqual),
      Math.min(runs, 6),
      depths.flatMap((d) => [deepPair(d, 0), deepPair(d, 1)]),
    );
  });
});
