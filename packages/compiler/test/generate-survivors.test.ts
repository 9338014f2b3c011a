/**
 * Tests written for the mutants of the key generators (`src/generate/**`) that the other compiler
 * tests let survive (docs/testing.md, "Compiler generators"). Each form below is compiled once by
 * the real compiler; the tests run its generated encoder on groups of values: values in one group
 * must share the key (equality on the memory path, text on persistent tiers, and the hash), values
 * of different groups must not (and get different hashes: a hash that ignores a part of the value
 * puts every value differing only there into one bucket).
 */

import { hashString } from '@cachet/runtime/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCompiler } from '../src/index.js';
import { cases, collision, compileForms, stringCollision } from './generate-survivors.cases.js';

// biome-ignore lint/suspicious/noExplicitAny: the compiled forms' exports
let mod: Record<string, any>;
beforeAll(async () => {
  await compileForms(createCompiler);
  mod = await import('./.tmp/generate-survivors/forms.mjs' as string);
});

it('the argument lists the collision case is made of do share a hash (else it tests nothing)', () => {
  const [a, b] = collision(mod.echo_hashAt, 1);
  expect(a).not.toEqual(b);
  expect(mod.echo_hashAt(undefined, ...b)).toBe(mod.echo_hashAt(undefined, ...a));
  const [c, d] = collision(mod.echoList_hash, 3);
  expect(mod.echoList_hash(d)).toBe(mod.echoList_hash(c));
  const [e, f] = stringCollision();
  expect(e).not.toBe(f);
  expect(hashString(0, f)).toBe(hashString(0, e));
});

for (const group of new Set(cases.map((c) => c.group))) {
  describe(group, () => {
    for (const c of cases.filter((x) => x.group === group)) it(c.name, c.run);
  });
}
