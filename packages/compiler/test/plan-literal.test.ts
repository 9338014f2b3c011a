/**
 * The plan literal generated code hands the runtime (`__cachet.define({...})`): the storage and the
 * codec only where the annotation or the return type gave one, and `verify: true` only under the
 * `verify` option, whose runtime check would otherwise never run. The generators' mutation runs
 * (docs/testing.md) replay cases that never set these.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { type CachetOptions, createCompiler } from '../src/index.js';

const tmp = fileURLToPath(new URL('./.tmp', import.meta.url));
mkdirSync(tmp, { recursive: true });
const dir = mkdtempSync(join(tmp, 'plan-literal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'main.ts');
writeFileSync(
  file,
  `/** @cached */
export function plain(n: number): number { return n; }

/** @cached storage=sqlite */
export function stored(n: number): { label: string } { return { label: String(n) }; }

/** @cached storage=memory */
export function dated(n: number): Date { return new Date(n); }
`,
);
const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022 });

/** The plan literal of each function, by name. */
function plans(options: CachetOptions): Record<string, string> {
  const code = createCompiler({ ts, options }).transform({ program, fileName: file })?.code ?? '';
  return Object.fromEntries(
    [...code.matchAll(/__cachet\.define\(\{\n([\s\S]*?)\n {2}\}, __cachet\$(\w+)\)/g)].map((m) => [
      m[2] as string,
      m[1] as string,
    ]),
  );
}

describe('the plan literal', () => {
  it('names a storage and a codec only where the annotation or the return type gives one', () => {
    const found = plans({});
    expect(Object.keys(found).sort()).toEqual(['dated', 'plain', 'stored']);
    // A number may be NaN, which JSON cannot hold: the runtime picks per value; no storage given.
    expect(found.plain).not.toMatch(/storage:|codec:/);
    expect(found.stored).toContain('storage: "sqlite"');
    expect(found.stored).toContain('codec: "json"');
    expect(found.dated).toContain('storage: "memory"');
    expect(found.dated).toContain('codec: "v8"');
  });

  it('asks for verify mode only under the verify option', () => {
    for (const plan of Object.values(plans({}))) expect(plan).not.toContain('verify');
    const verified = plans({ verify: true });
    expect(Object.keys(verified).length).toBe(3);
    for (const plan of Object.values(verified)) expect(plan).toContain('verify: true');
  });
});
