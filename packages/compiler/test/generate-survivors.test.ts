/**
 * Tests written for the mutants of the key generators (`src/generate/**`) that the other compiler
 * tests let survive (docs/testing.md, "Compiler generators"). Each form below is compiled once by
 * the real compiler; the tests run its generated encoder on groups of values: values in one group
 * must share the key (equality on the memory path, text on persistent tiers, and the hash), values
 * of different groups must not (and get different hashes: a hash that ignores a part of the value
 * puts every value differing only there into one bucket).
 */
import { beforeAll, describe, it } from 'vitest';
import { createCompiler } from '../src/index.js';
import { cases, compileForms } from './generate-survivors.cases.js';

beforeAll(() => compileForms(createCompiler));

for (const group of new Set(cases.map((c) => c.group))) {
  describe(group, () => {
    for (const c of cases.filter((x) => x.group === group)) it(c.name, c.run);
  });
}
