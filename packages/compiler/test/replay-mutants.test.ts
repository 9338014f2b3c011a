/**
 * Replays mutants of the compiler's sources against the cases of generate-survivors.test.ts, in
 * one process: a second pass over a Stryker run's mutants that takes about a second a mutant
 * where Stryker, which compiles the test file's program again for each, takes several. Skipped
 * unless MUTANTS names a JSON list of mutants (`file` relative to the repository, `start` and
 * `end` as [line, column] from 1 as Stryker's report gives them, `replacement`, `id`); OUT names
 * where the result of each is written (`Killed ...` with the first failure, or `Survived`).
 *
 * There is no time limit: a mutant that loops forever (Stryker's timeout) hangs the replay. OUT is
 * written again after each mutant, so the results so far survive stopping it; the mutant that hung
 * is the first of the list not in OUT, and replaying the rest of the list goes on from there.
 *
 * Each mutant is planted in a copy of the sources, transpiled, and the forms compiled with it
 * over one TypeScript program; the sources themselves are never changed.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { it } from 'vitest';
import { cases, compileForms } from './generate-survivors.cases.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const src = join(here, '../src');
const work = join(here, '.tmp/replay');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const js = (text: string) =>
  ts.transpileModule(text, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } })
    .outputText;

it.skipIf(process.env.MUTANTS === undefined)(
  "replay mutants against the survivors' cases",
  async () => {
    const list = JSON.parse(readFileSync(process.env.MUTANTS as string, 'utf8')) as {
      id: string;
      file: string;
      start: [number, number];
      end: [number, number];
      replacement: string;
    }[];
    rmSync(work, { recursive: true, force: true });
    const base = join(work, 'base');
    const all = files(src);
    for (const f of all) {
      const out = join(base, relative(src, f)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, js(readFileSync(f, 'utf8')));
    }
    const load = async (dir: string) => (await import(pathToFileURL(join(dir, 'index.js')).href)).createCompiler;
    const program = await compileForms(await load(base), undefined, 'base');
    const results: Record<string, string> = {};
    for (const m of list) {
      const file = join(root, m.file);
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const offset = ([line, col]: [number, number]) =>
        lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
      const mutated = text.slice(0, offset(m.start)) + m.replacement + text.slice(offset(m.end));
      const dir = join(work, `m${m.id}`);
      cpSync(base, dir, { recursive: true });
      writeFileSync(join(dir, relative(src, file)).replace(/\.ts$/, '.js'), js(mutated));
      try {
        // Each mutant gets its own copy: modules are cached by URL.
        await compileForms(await load(dir), program, `m${m.id}`);
        for (const c of cases) c.run();
        results[m.id] = 'Survived';
      } catch (error) {
        results[m.id] = `Killed ${String(error).split('\n')[0]?.slice(0, 160)}`;
      }
      writeFileSync(process.env.OUT as string, JSON.stringify(results, null, 1));
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(work, { recursive: true, force: true });
  },
  3_600_000,
);
