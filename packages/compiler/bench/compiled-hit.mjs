/**
 * The hit cost of a compiled @cached function against a hand-written hash + equality memo and
 * against JSON.stringify + Map. Compiles a fixture with the real compiler, runs each variant in
 * rounds and prints medians (ns per call).
 *
 * Run after `npm run build`: node packages/compiler/bench/compiled-hit.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { createCompiler } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, '.tmp');
mkdirSync(dir, { recursive: true });

const source = `
export interface User { id: number; name: string; tags: string[] }
/** @cached storage=memory */
export function compiled(user: User): number {
  return user.id + user.tags.length;
}
`;
const file = join(dir, 'hit.ts');
writeFileSync(file, source);
const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true });
const result = createCompiler({ ts }).transform({ program, fileName: file });
const js = ts.transpileModule(result.code, {
  compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
});
writeFileSync(join(dir, 'hit.mjs'), js.outputText);
const { compiled } = await import(pathToFileURL(join(dir, 'hit.mjs')).href);

/** A hand-written memo: FNV hash over the fields, an equality check, a copy of the key. */
function handWritten(fn) {
  const table = new Map();
  const hashString = (h, s) => {
    h = Math.imul(h ^ s.length, 16777619);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h;
  };
  const hash = (u) => {
    let h = Math.imul(0 ^ (u.id | 0), 16777619);
    h = hashString(h, u.name);
    for (let i = 0; i < u.tags.length; i++) h = hashString(h, u.tags[i]);
    return h;
  };
  const equals = (k, u) => {
    if (k.id !== u.id || k.name !== u.name || k.tags.length !== u.tags.length) return false;
    for (let i = 0; i < k.tags.length; i++) if (k.tags[i] !== u.tags[i]) return false;
    return true;
  };
  return (u) => {
    const h = hash(u);
    for (let e = table.get(h); e !== undefined; e = e.next) if (equals(e.key, u)) return e.value;
    const value = fn(u);
    table.set(h, { key: { id: u.id, name: u.name, tags: [...u.tags] }, value, next: table.get(h) });
    return value;
  };
}

function jsonMemo(fn) {
  const table = new Map();
  return (u) => {
    const key = JSON.stringify([u]);
    if (table.has(key)) return table.get(key);
    const value = fn(u);
    table.set(key, value);
    return value;
  };
}

const body = (user) => user.id + user.tags.length;
const variants = { compiled, handWritten: handWritten(body), jsonStringifyMap: jsonMemo(body) };

// Equal, but distinct, argument objects: every call is a hit after the first round.
const args = Array.from({ length: 64 }, (_, i) => ({ id: i, name: `user ${i}`, tags: ['admin', `team-${i % 4}`] }));
const calls = 200_000;
const rounds = 15;

function round(fn) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += fn({ ...args[i & 63] });
  const ns = Number(process.hrtime.bigint() - start) / calls;
  if (sink === -1) console.log(sink);
  return ns;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const results = {};
for (const [name, fn] of Object.entries(variants)) {
  for (const a of args) fn(a); // fill
  round(fn); // warm up
  results[name] = median(Array.from({ length: rounds }, () => round(fn)));
}
// The copy of the argument ({ ...args[i] }) is part of every variant's loop; measure it alone.
const copyOnly = median(Array.from({ length: rounds }, () => round((u) => u.id)));
console.log(
  `node ${process.version}, ${calls} hits per round, median of ${rounds} rounds, ns per call (argument copy ${copyOnly.toFixed(1)} ns included):`,
);
for (const [name, ns] of Object.entries(results)) console.log(`  ${name.padEnd(18)} ${ns.toFixed(1)} ns`);
