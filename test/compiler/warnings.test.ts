/**
 * The warnings policy under tspc: by default a warning is printed and the build succeeds; the
 * plugin entry's `warnings` option makes warnings errors, or turns a code off.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFixture, runJson, ts5 } from './tspc.js';

const WARNING = /^src\/main\.ts\(4,31\): warning TS990101: CACHET_W_REFLECTIVE: /;

describe('warnings under tspc', () => {
  it('prints a warning with file:line:column and exits 0; the output runs', async () => {
    const compiled = await compileFixture('warnings');
    expect(compiled.output).toMatch(WARNING);
    expect(compiled.exitCode).toBe(0);
    const { result } = await runJson<{ runs: number }>(ts5, join(compiled.dir, 'dist/main.js'));
    expect(result).toEqual({ runs: 1 });
  });

  it("fails the build with warnings: 'error'", async () => {
    const compiled = await compileFixture('warnings', ts5, ['-p', 'tsconfig.error.json']);
    expect(compiled.output).toMatch(/src\/main\.ts\(4,31\): error TS990101: CACHET_W_REFLECTIVE: /);
    expect(compiled.exitCode).not.toBe(0);
  });

  it('reports nothing for a code set to off', async () => {
    const compiled = await compileFixture('warnings', ts5, ['-p', 'tsconfig.off.json']);
    expect(compiled.output).toBe('');
    expect(compiled.exitCode).toBe(0);
  });
});
