/**
 * CACHET_W_IMPURE: a cached function that reads ambient state its key does not hold is warned
 * about at the expression. Compiled through the shared compile function, with the TypeScript the
 * tsc path uses and with the one the bundler plugin brings (ts-morph's), which must agree.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import typescript from 'typescript';
import { describe, expect, it } from 'vitest';
import { type CachetDiagnostic, createCompiler } from '../src/index.js';
import { compilerOptions } from './helpers.js';

type TS = typeof import('typescript');

const dir = join(dirname(fileURLToPath(import.meta.url)), '.virtual-purity');
const main = join(dir, 'main.ts').replace(/\\/g, '/');
const state = join(dir, 'state.ts').replace(/\\/g, '/');
const aliases = join(dir, 'aliases.ts').replace(/\\/g, '/');

const stateSource = `export let counter = 0;
export const fixed = 1;
export function bump(): void { counter++; }
`;

/** Library members under other names: a property access by such a name must still be resolved. */
const aliasesSource = `import { randomUUID as uuid } from 'node:crypto';
export { uuid as id };
export { randomBytes as bytes } from 'node:crypto';
export default uuid;
`;

const header = `import { randomUUID } from 'node:crypto';
import * as aliases from './aliases.js';
import * as nodeCrypto from 'node:crypto';
import { env as processEnv } from 'node:process';
import { counter as importedCounter, fixed } from './state.js';

let counter = 0;
var legacy = 1;
const limit = 10;
export function reset(): void { counter = 0; legacy = 0; }
`;

/** A cached function body and the expression it should be warned about (none: clean). */
interface Case {
  readonly body: string;
  readonly at?: string;
  /** Extra parameters, after `x: number, d: Date, s: string`. */
  readonly params?: string;
}

const impure: readonly Case[] = [
  { body: 'return Date.now() + x;', at: 'Date.now()' },
  { body: 'return new Date();', at: 'new Date()' },
  { body: 'return new Date;', at: 'new Date' },
  { body: 'return Date();', at: 'Date()' },
  { body: 'return globalThis.Date.now();', at: 'globalThis.Date.now()' },
  { body: 'const read = Date.now; return read();', at: 'Date.now' },
  { body: 'return new Date(2024, 0, x);', at: 'new Date(2024, 0, x)' },
  { body: 'return Math.random() * x;', at: 'Math.random()' },
  { body: 'return [x].map(() => Math.random());', at: 'Math.random()' },
  { body: 'return performance.now();', at: 'performance.now()' },
  { body: 'return process.env.HOME;', at: 'process.env' },
  { body: "return process.env['HOME'];", at: 'process.env' },
  { body: "return process['env'];", at: "process['env']" },
  { body: 'const { env } = process; return env.HOME;', at: 'env }' },
  { body: 'return processEnv.HOME;', at: 'processEnv' },
  { body: 'return process.hrtime.bigint();', at: 'process.hrtime' },
  { body: 'return process.argv[x];', at: 'process.argv' },
  { body: 'return process.cwd();', at: 'process.cwd()' },
  { body: 'return crypto.randomUUID();', at: 'crypto.randomUUID()' },
  { body: 'return crypto.getRandomValues(new Uint8Array(x));', at: 'crypto.getRandomValues(new Uint8Array(x))' },
  { body: 'return randomUUID();', at: 'randomUUID()' },
  { body: 'return nodeCrypto.randomBytes(x);', at: 'nodeCrypto.randomBytes(x)' },
  { body: 'return new Intl.DateTimeFormat().format(d);', at: 'new Intl.DateTimeFormat()' },
  { body: 'return Intl.DateTimeFormat().resolvedOptions().timeZone;', at: 'Intl.DateTimeFormat()' },
  { body: "return new Intl.DateTimeFormat('en-US').format(d);", at: "new Intl.DateTimeFormat('en-US')" },
  { body: 'return new Intl.NumberFormat(undefined).format(x);', at: 'new Intl.NumberFormat(undefined)' },
  { body: 'return new Intl.Collator().compare(s, "a");', at: 'new Intl.Collator()' },
  { body: 'return d.toLocaleDateString();', at: 'd.toLocaleDateString()' },
  { body: "return d.toLocaleString('en-GB');", at: "d.toLocaleString('en-GB')" },
  { body: "return d.toLocaleTimeString('en-GB', { hour12: false });", at: 'd.toLocaleTimeString(' },
  { body: 'return x.toLocaleString();', at: 'x.toLocaleString()' },
  { body: 'return [d].toLocaleString();', at: '[d].toLocaleString()' },
  { body: 'return Date.prototype.getHours.call(d);', at: 'Date.prototype.getHours' },
  { body: "return s.localeCompare('b');", at: "s.localeCompare('b')" },
  { body: 'return s.toLocaleUpperCase();', at: 's.toLocaleUpperCase()' },
  { body: 'return d.getHours();', at: 'd.getHours()' },
  { body: 'return d.getTimezoneOffset();', at: 'd.getTimezoneOffset()' },
  { body: 'return new Date(d).setHours(x);', at: 'new Date(d).setHours(x)' },
  { body: 'return d.toString();', at: 'd.toString()' },
  // Renamed by imports and exports, through a namespace import and through a value of its type.
  { body: 'return aliases.id();', at: 'aliases.id()' },
  { body: 'return aliases.bytes(x);', at: 'aliases.bytes(x)' },
  { body: 'return aliases.default();', at: 'aliases.default()' },
  { body: 'const ns: typeof aliases = aliases; return ns.id();', at: 'ns.id()' },
  { body: 'return counter + x;', at: 'counter' },
  { body: 'return { counter };', at: 'counter' },
  { body: 'return counter++;', at: 'counter' },
  { body: 'const y = (counter += x); return y;', at: 'counter' },
  { body: 'return legacy;', at: 'legacy' },
  { body: 'return importedCounter;', at: 'importedCounter' },
  // The comment silences its own line only, not the next one.
  { body: 's.trim(); // cachet-ignore-impure\n  return Date.now();', at: 'Date.now()' },
];

const pure: readonly Case[] = [
  { body: 'const Date = { now: () => 1 }; return Date.now();' },
  { body: 'return Date.now();', params: 'Date: { now(): number }' },
  { body: 'return process.env.HOME;', params: 'process: { env: Record<string, string> }' },
  { body: 'const Math = { random: () => 4 }; return Math.random();' },
  { body: 'return new Date(x);' },
  { body: 'const parts = [2024, 0, x] as const; return new Date(...parts);' },
  { body: 'return new Date(d.getTime()).toISOString();' },
  { body: 'return Date.UTC(2024, 0, x);' },
  { body: 'return Math.max(x, 1);' },
  { body: 'let local = x; local += 1; return local;' },
  { body: 'let counter = x; return counter;' },
  { body: 'return limit + fixed + x;' },
  { body: 'const t: typeof counter = x; return t;' },
  { body: 'counter = x; return x;' },
  // A count kept as a side effect, its value unused: skipped on a hit like any side effect.
  { body: 'counter += x; return x;' },
  { body: 'counter++; return x;' },
  { body: 'for (let i = 0; i < x; counter++) i++; return x;' },
  { body: "return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }).format(d);" },
  { body: "return d.toLocaleString('en-GB', { timeZone: s });" },
  { body: "return new Intl.NumberFormat('de').format(x);" },
  { body: "return x.toLocaleString('en');" },
  { body: "return s.localeCompare('b', 'en');" },
  { body: 'return d.getUTCHours() + d.getTime();' },
  { body: 'return Intl.DateTimeFormat.supportedLocalesOf(s);' },
  { body: 'return Date.now(); // cachet-ignore-impure' },
  { body: '// cachet-ignore-impure: only to log how long it took\n  return Date.now();' },
];

const cases = [...impure, ...pure];

/** The file under test: one cached function per case, the body on a line of its own. */
function mainSource(): { source: string; bodyLines: number[] } {
  let source = header;
  const bodyLines: number[] = [];
  cases.forEach((c, i) => {
    const params = ['x: number', 'd: Date', 's: string', ...(c.params === undefined ? [] : [c.params])].join(', ');
    source += `\n/** @cached storage=memory */\nexport function case${i}(${params}): unknown {\n`;
    bodyLines.push(source.split('\n').length);
    source += `  ${c.body}\n}\n`;
  });
  source += `
/** @cached storage=memory */
export function withDefault(x: number, now = Date.now()): number {
  return x + now;
}

/** @cached storage=memory */
export const arrow = (x: number): number => x + Math.random();

export class Clock {
  /** @cached storage=memory */
  static read(x: number): number {
    return x + performance.now();
  }
}
`;
  return { source, bodyLines };
}

const { source, bodyLines } = mainSource();

/** The fixtures' options without the DOM's lib: @types/node declares the globals used here. */
const options: typescript.CompilerOptions = { ...compilerOptions, lib: ['lib.es2022.d.ts'] };

/** Compiles main.ts with the given TypeScript, through the compile function every front end uses. */
function compile(ts: TS, libFiles: ReadonlyMap<string, string> = new Map()): readonly CachetDiagnostic[] {
  const files = new Map([[main, source], [state, stateSource], [aliases, aliasesSource], ...libFiles]);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, version) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, version) : ts.createSourceFile(name, text, version, true);
  };
  const fileExists = host.fileExists;
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (name) => name === dir || directoryExists?.(name) !== false;
  const readFile = host.readFile;
  host.readFile = (name) => files.get(name) ?? readFile(name);
  if (libFiles.size > 0) {
    const libDir = dirname([...libFiles.keys()][0] ?? '');
    host.getDefaultLibLocation = () => libDir;
    host.getDefaultLibFileName = (options) => `${libDir}/${ts.getDefaultLibFileName(options)}`;
  }
  const program = ts.createProgram([main], options, host);
  const compiler = createCompiler({ ts, host: { fileExists: () => false } });
  const sourceFile = program.getSourceFile(main);
  if (sourceFile === undefined) throw new Error('main.ts is not in the program');
  return compiler.compile(program, sourceFile)?.diagnostics ?? [];
}

/** ts-morph's TypeScript and lib files, as the bundler plugin loads them. */
function pluginTypeScript(): { ts: TS; libFiles: Map<string, string> } {
  const unplugin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'unplugin', 'package.json');
  const tsMorph = createRequire(unplugin).resolve('ts-morph');
  const common = createRequire(tsMorph)('@ts-morph/common') as {
    ts: TS;
    getLibFiles(): { fileName: string; text: string }[];
  };
  const libDir = '/__lib__/node_modules/typescript/lib';
  return { ts: common.ts, libFiles: new Map(common.getLibFiles().map((f) => [`${libDir}/${f.fileName}`, f.text])) };
}

const diagnostics = compile(typescript);
const impureOnly = (list: readonly CachetDiagnostic[]) => list.filter((d) => d.code === 'CACHET_W_IMPURE');
const warnings = impureOnly(diagnostics);

/** Line and column (1-based) of `snippet` in the body of case `index`. */
function positionIn(index: number, snippet: string): { line: number; column: number } {
  const lines = source.split('\n');
  const first = bodyLines[index] ?? 0;
  for (let line = first; line <= lines.length; line++) {
    const column = (lines[line - 1] ?? '').indexOf(snippet);
    if (column >= 0) return { line, column: column + 1 };
  }
  throw new Error(`${snippet} is not in case ${index}`);
}

function warningsOnLines(from: number, to: number): CachetDiagnostic[] {
  return warnings.filter((w) => w.line >= from && w.line <= to);
}

describe('CACHET_W_IMPURE', () => {
  it('compiles the fixture without other surprises', () => {
    expect(diagnostics.filter((d) => d.category === 'error')).toEqual([]);
  });

  it.each(impure.map((c, i) => [c.body, i] as const))('warns at the ambient read in `%s`', (_body, index) => {
    const c = impure[index] as Case;
    const first = bodyLines[index] ?? 0;
    const found = warningsOnLines(first, first + c.body.split('\n').length - 1);
    expect(found.map((w) => ({ line: w.line, column: w.column }))).toEqual([positionIn(index, c.at ?? '')]);
    const warning = found[0] as CachetDiagnostic;
    expect(warning).toMatchObject({ category: 'warning', fileName: main });
    expect(warning.message).toContain(`case${index}: `);
    expect(warning.message).toContain('which is not part of the key');
    expect(warning.hint).toMatch(/or drop @cached$/);
  });

  it.each(pure.map((c, i) => [c.body.replace(/\n\s*/, ' '), impure.length + i] as const))(
    'does not warn on `%s`',
    (_body, index) => {
      const line = bodyLines[index] ?? 0;
      expect(warningsOnLines(line, line + 1)).toEqual([]);
    },
  );

  it('says what to do for each kind of read', () => {
    const hintAt = (snippet: string) =>
      warnings.find(
        (w) =>
          w.line ===
          positionIn(
            impure.findIndex((c) => c.at === snippet),
            snippet,
          ).line,
      )?.hint;
    expect(hintAt('Date.now()')).toBe(
      'pass the time as a parameter (now: number) so it is part of the key, or drop @cached',
    );
    expect(hintAt('process.env')).toBe(
      'read it outside the cached function and pass the value as a parameter, or drop @cached',
    );
    expect(hintAt('d.getHours()')).toContain('use getUTCHours');
    expect(hintAt('new Intl.DateTimeFormat()')).toContain('pass the locale and time zone ({ timeZone })');
    expect(hintAt('counter')).toBe('pass it as a parameter so it is part of the key, make it a const, or drop @cached');
    const legacy = warnings.find((w) => w.message.includes('legacy'));
    expect(legacy?.message).toBe(
      `case${impure.findIndex((c) => c.at === 'legacy')}: legacy is a module-level var, which is not part of the key: a hit returns a value computed with an earlier value of it`,
    );
  });

  it('covers parameter defaults, arrow functions and static methods', () => {
    const lines = source.split('\n');
    const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
    const line = lineOf('now = Date.now()');
    const atDefault = warnings.find((w) => w.line === line);
    expect(atDefault).toMatchObject({ column: (lines[line - 1] ?? '').indexOf('Date.now()') + 1 });
    expect(atDefault?.hint).toMatch(/^a default value is not part of the key: make the parameter required/);
    expect(warnings.find((w) => w.line === lineOf('x + Math.random()'))?.message).toMatch(
      /^arrow: Math.random\(\) is random/,
    );
    expect(warnings.find((w) => w.line === lineOf('x + performance.now()'))?.message).toMatch(
      /^Clock\.read: performance\.now\(\) reads the clock/,
    );
  });

  it('gives the same diagnostics with the TypeScript the bundler plugin brings', { timeout: 180_000 }, () => {
    const plugin = pluginTypeScript();
    expect(plugin.ts.version).not.toBe(typescript.version);
    const strip = (list: readonly CachetDiagnostic[]) => list.map(({ fileName: _, ...rest }) => rest);
    expect(strip(impureOnly(compile(plugin.ts, plugin.libFiles)))).toEqual(strip(warnings));
  });
});
