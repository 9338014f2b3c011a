import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Compiled, compileFixture, runJson, ts5 } from './tspc.js';

describe(`tspc: ${ts5.name}`, () => {
  let compiled: Compiled;
  beforeAll(async () => {
    compiled = await compileFixture('basic');
  });

  it('compiles without diagnostics', () => {
    expect(compiled.output).toBe('');
    expect(compiled.exitCode).toBe(0);
  });

  it('runs each function once per distinct key and keeps the function shape', async () => {
    const { result } = await runJson<Record<string, unknown>>(ts5, join(compiled.dir, 'dist/main.js'));
    expect(result).toEqual({
      early: '0:early:false:',
      first: '1:a:true:x+y',
      runs: { describe: 4, loadUser: 1 },
      sameUser: true,
      returnsPromise: true,
      name: 'describe',
      length: 3,
      hits: 1,
    });
  });
});
