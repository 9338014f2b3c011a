/**
 * Fixture files in, file snapshots out: the code a bundler gets for each fixture, and the
 * diagnostics of each error fixture. CI does not write missing snapshots: commit them.
 */
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFixtureProgram, fixtureFiles, formatDiagnostics, transformFixture } from './helpers.js';
import { decodeMappings } from './source-map.js';

let program: ts.Program;
beforeAll(() => {
  program = createFixtureProgram();
});

describe('fixtures', () => {
  it.each(fixtureFiles())('%s', async (name) => {
    const result = transformFixture(program, name);
    await expect(result.code).toMatchFileSnapshot(`./fixtures/output/${name}`);
    await expect(formatDiagnostics(result.diagnostics)).toMatchFileSnapshot(
      `./fixtures/output/${name}.diagnostics.txt`,
    );
    // The output is valid TypeScript.
    const parsed = ts.transpileModule(result.code, {
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022 },
    });
    expect(parsed.diagnostics).toEqual([]);
  });

  it.each(fixtureFiles())('%s: the source map is exact for every character of user code', (name) => {
    const result = transformFixture(program, name);
    const original = program.getSourceFile(`${result.map.sources[0]}`)?.text ?? '';
    const outLines = result.code.split('\n');
    const inLines = original.split('\n');
    let checked = 0;
    decodeMappings(result.map.mappings).forEach((segments, line) => {
      for (const [column, , sourceLine, sourceColumn] of segments) {
        if (sourceLine === undefined || sourceColumn === undefined) continue;
        // A renamed declaration (`loadUser` → `__cachet$loadUser`) maps to the original name.
        if (outLines[line]?.startsWith('__cachet$', column)) continue;
        expect(outLines[line]?.[column]).toBe(inLines[sourceLine]?.[sourceColumn]);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(original.length / 2);
  });
});

describe('error fixtures', () => {
  it.each(fixtureFiles('errors'))('%s', async (name) => {
    const result = transformFixture(program, `errors/${name}`);
    await expect(formatDiagnostics(result.diagnostics)).toMatchFileSnapshot(`./fixtures/output/errors/${name}.txt`);
  });
});
