/**
 * Behaviour across every type form: a fixture compiled with real tspc, run with node, reporting
 * for pairs of calls whether the second one ran the function ("distinct") or hit ("shared").
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Compiled, compileFixture, runJson, ts5, ts6 } from './tspc.js';

const expected: Record<string, 'shared' | 'distinct'> = {
  'strings equal': 'shared',
  'strings a|b,c vs a,b|c': 'distinct',
  'numbers NaN': 'shared',
  'numbers -0 vs 0': 'shared',
  'numbers 1 vs 2': 'distinct',
  'mixed 1 vs "1"': 'distinct',
  'mixed null vs undefined': 'distinct',
  'mixed true vs "true"': 'distinct',
  'mixed 1n vs 1': 'distinct',
  'optional missing vs undefined': 'shared',
  'optional "x" vs missing': 'distinct',
  'literals equal': 'shared',
  'literals enum differs': 'distinct',
  'literals 1 vs "a"': 'distinct',
  'templated equal': 'shared',
  'templated differs': 'distinct',
  'bigints equal': 'shared',
  'bigints 1 vs 1n': 'distinct',
  'rest equal': 'shared',
  'rest longer': 'distinct',
  'arrow equal': 'shared',
  'arrow differs': 'distinct',
  'expression equal': 'shared',
  'object equal': 'shared',
  'object excess property': 'shared',
  'object optional missing vs undefined': 'distinct',
  'object nested differs': 'distinct',
  'object mutated after call': 'shared',
  'discriminated equal': 'shared',
  'discriminated kind differs': 'distinct',
  'discriminated field differs': 'distinct',
  'union a vs b': 'distinct',
  'union equal': 'shared',
  'record order': 'shared',
  'record extra key': 'distinct',
  'record undefined key': 'distinct',
  'index signature differs': 'distinct',
  'arrays nested shape': 'distinct',
  'arrays order': 'distinct',
  'arrays equal': 'shared',
  'tuple optional missing vs undefined': 'distinct',
  'recursive equal': 'shared',
  'recursive deep differs': 'distinct',
  'nullable null vs object': 'distinct',
  'nullable null vs undefined': 'distinct',
  'date equal': 'shared',
  'date differs': 'distinct',
  'map order': 'shared',
  'map value differs': 'distinct',
  'map object keys order': 'shared',
  'map object keys differ': 'distinct',
  'set order': 'shared',
  'set differs': 'distinct',
  'set duplicates by value': 'distinct',
  'typed arrays equal': 'shared',
  'typed arrays differ': 'distinct',
  'this equal': 'shared',
  'this differs': 'distinct',
  'ignore=this': 'shared',
  'static method': 'shared',
  'class data properties': 'shared',
  'class data differs': 'distinct',
  'cacheKey equal': 'shared',
  'cacheKey differs': 'distinct',
  'abort signal and ignore=log': 'shared',
  'unknown reflective equal': 'shared',
  'unknown reflective differs': 'distinct',
};

describe.each([ts5, ts6])('type forms through tspc: $name', (toolchain) => {
  let compiled: Compiled;
  beforeAll(async () => {
    compiled = await compileFixture('forms', toolchain);
  });

  it('warns about the one reflective parameter, and emits', () => {
    expect(compiled.output.trim()).toMatch(
      /^src\/classes\.ts\(\d+,\d+\): warning TS990101: CACHET_W_REFLECTIVE: parameter value is typed unknown/,
    );
    // Nothing else: the warning and its code frame.
    const [, line, carets, ...rest] = compiled.output.trim().split('\n');
    expect(line).toMatch(/^ {2}\d+ \| .*value: unknown/);
    expect(carets).toMatch(/^ {2} +\| +\^+$/);
    expect(rest).toEqual([]);
  });

  it('shares a key exactly when arguments are equal as values of their declared types', async () => {
    const { result } = await runJson<Record<string, string>>(toolchain, join(compiled.dir, 'dist/main.js'));
    expect(result).toEqual(expected);
  });

  // better-sqlite3 is built for the Node 20 here; Node 24 fixtures use memory storage only.
  it.runIf(toolchain === ts5)(
    'persists with the key text: a second process hits SQLite for equal arguments',
    async () => {
      const main = join(compiled.dir, 'dist/persist-main.js');
      rmSync(join(compiled.dir, 'dist/.cachet'), { recursive: true, force: true });
      const first = await runJson<Record<string, number>>(ts5, main, { PHASE: 'first' });
      expect(first.result).toEqual({ first: 1 });
      const second = await runJson<Record<string, number>>(ts5, main, { PHASE: 'second' });
      expect(second.result).toEqual({ equal: 0, differs: 1 });
    },
  );

  it('verify mode (CACHET_VERIFY=1) reports calls that share a key but differ as values', async () => {
    const { stderr } = await runJson(toolchain, join(compiled.dir, 'dist/main.js'), { CACHET_VERIFY: '1' });
    expect(stderr).toContain('verify: src/objects.ts#options: two calls share a compiled key but differ as values');
    expect(stderr).toContain('"extra":d1');
    // Only the function that really is called with excess data is reported: methods keyed by
    // `this`, ignored parameters and optional arguments compare over the same keyed parts.
    expect([...stderr.matchAll(/verify: (\S+):/g)].map((m) => m[1])).toEqual(['src/objects.ts#options']);
    const plain = await runJson(toolchain, join(compiled.dir, 'dist/main.js'));
    expect(plain.stderr).not.toContain('verify:');
  });

  it('verify: true in the plugin entry turns verify mode on in the compiled code', async () => {
    const verify = await compileFixture('forms', toolchain, ['-p', 'tsconfig.verify.json']);
    const { stderr, result } = await runJson<Record<string, string>>(
      toolchain,
      join(verify.dir, 'dist-verify/main.js'),
    );
    expect(result).toEqual(expected);
    expect(stderr).toContain('verify: src/objects.ts#options: two calls share a compiled key but differ as values');
  });
});
