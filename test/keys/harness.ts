/**
 * Compiles every shape into one module with the real compiler (one program, one transform),
 * imports the output, and checks pairs of calls against the contract's verdict.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { createCompiler } from '../../packages/compiler/src/index.js';
import { compilerOptions } from '../../packages/compiler/test/helpers.js';
import type { Verdict } from './contract.js';
import { functionName, type Mod, type Shape } from './shapes.js';

export interface Token {
  readonly n: number;
  readonly args: readonly unknown[];
}

export interface CompiledShapes {
  /** The module each shape's function lives in (one module, or one per shape after a crash). */
  readonly modules: ReadonlyMap<string, Mod>;
  /** Build errors per shape name, as `CODE line:col message (hint)`. */
  readonly refusals: ReadonlyMap<string, string[]>;
}

const here = dirname(fileURLToPath(import.meta.url));

const header = `import { cacheKey, clear } from '@cachet/runtime';
let fuzz$n = 0;
export function fuzz$calls(): number { return fuzz$n; }
export function fuzz$clear(fn: (...args: never[]) => unknown): Promise<void> { return clear(fn); }
export interface Token { readonly n: number; readonly args: unknown[] }
function fuzz$token(args: unknown[]): Token { return { n: ++fuzz$n, args }; }
void cacheKey;
`;

/** The TypeScript of one module holding `shapes`, and each shape's line range in it. */
function moduleSource(shapes: readonly Shape[]): { source: string; lines: Map<string, [number, number]> } {
  let source = header;
  const lines = new Map<string, [number, number]>();
  for (const shape of shapes) {
    const start = source.split('\n').length;
    source += `${shape.decls ?? ''}
/** @cached storage=memory */
export function ${functionName(shape)}${shape.typeParams ?? ''}(${shape.params}): Token { return fuzz$token([${paramNames(shape.params).join(', ')}]); }
`;
    lines.set(shape.name, [start, source.split('\n').length]);
  }
  return { source, lines };
}

/**
 * The names in a parameter list (`x: Map<K, V>, y?: (n: number) => string` → x, y). The body
 * names its parameters instead of reading `arguments`, which would move the compiled wrapper
 * off the fixed-arity entries (call1..call3) real code takes.
 */
export function paramNames(params: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= params.length; i++) {
    const c = params[i];
    if (c === '(' || c === '[' || c === '{' || c === '<') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && params[i - 1] !== '=')) depth--;
    else if ((c === ',' && depth === 0) || c === undefined) {
      names.push((params.slice(start, i).match(/^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/) as RegExpMatchArray)[1] as string);
      start = i + 1;
    }
  }
  return names;
}

let serial = 0;

/** Compiles and imports one module; throws when the compiler itself throws. */
async function compileModule(shapes: readonly Shape[]): Promise<{ mod: Mod; refusals: Map<string, string[]> }> {
  const dir = join(here, '.tmp', `${process.pid}-${serial++}`);
  mkdirSync(dir, { recursive: true });
  try {
    const { source, lines } = moduleSource(shapes);
    const file = join(dir, 'shapes.ts');
    writeFileSync(file, source);
    const program = ts.createProgram([file], compilerOptions);
    // Every other module as the bundler plugin compiles it: key helpers in modules of their own.
    const shared = serial % 2 === 0;
    const result = createCompiler({ ts }).transform({
      program,
      fileName: file.replace(/\\/g, '/'),
      ...(shared ? { helperDir: './helpers/' } : {}),
    });
    if (result === undefined) throw new Error('the compiler found no @cached function');
    if (result.modules.length > 0) mkdirSync(join(dir, 'helpers'));
    for (const module of result.modules) writeFileSync(join(dir, 'helpers', module.name), module.code);
    const refusals = new Map<string, string[]>();
    for (const d of result.diagnostics) {
      if (d.category !== 'error') continue;
      const owner = shapes.find((s) => {
        const [from, to] = lines.get(s.name) as [number, number];
        return d.line >= from && d.line < to;
      });
      const name = owner?.name ?? '(module)';
      const text = `${d.code} ${d.line}:${d.column} ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`;
      refusals.set(name, [...(refusals.get(name) ?? []), text]);
    }
    const js = ts.transpileModule(result.code, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    });
    const out = join(dir, 'shapes.mjs');
    writeFileSync(out, js.outputText);
    const mod = (await import(/* @vite-ignore */ pathToFileURL(out).href)) as Mod;
    return { mod, refusals };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * All shapes in one module; if the compiler throws on the batch, each shape alone, so one crash
 * is reported against its shape instead of failing every shape.
 */
export async function compileShapes(shapes: readonly Shape[]): Promise<CompiledShapes> {
  try {
    const { mod, refusals } = await compileModule(shapes);
    return { modules: new Map(shapes.map((s) => [s.name, mod])), refusals };
  } catch {
    const modules = new Map<string, Mod>();
    const refusals = new Map<string, string[]>();
    for (const shape of shapes) {
      try {
        const one = await compileModule([shape]);
        modules.set(shape.name, one.mod);
        for (const [k, v] of one.refusals) refusals.set(k, v);
      } catch (error) {
        refusals.set(shape.name, [`the compiler threw: ${String(error)}`]);
      }
    }
    return { modules, refusals };
  }
}

/** A cached function under test: call it, and read the number of runs so far. */
export interface Subject {
  call(args: readonly unknown[]): Token;
  calls(): number;
  /** Drops every entry, so each pair starts from an empty cache and its counterexample says it all. */
  reset(): Promise<void>;
}

/**
 * Calls `a` then `b` and checks the outcome against the contract. Returns a description of the
 * violation, or undefined. `verdict` is the contract's answer for (a, b); `equal` compares an
 * older call's arguments with the current ones (a hit on an older entry must be equal to it);
 * `uncacheable` says a call must run uncached (the reflective contract for class instances).
 */
export function checkPair(
  subject: Subject,
  a: readonly unknown[],
  b: readonly unknown[],
  verdict: Verdict,
  equal: (x: readonly unknown[], y: readonly unknown[]) => Verdict,
  uncacheable: (args: readonly unknown[]) => boolean = () => false,
): string | undefined {
  const first = callOnce(subject, a, equal, uncacheable);
  if (typeof first === 'string') return `first call: ${first}`;
  const second = callOnce(subject, b, equal, uncacheable);
  if (typeof second === 'string') return `second call: ${second}`;
  if (second.token === first.token && verdict === 'distinct') {
    return 'WRONG VALUE: the second call returned the value computed for the first, unequal arguments';
  }
  if (second.token !== first.token && verdict === 'equal' && !first.uncacheable && !second.uncacheable) {
    return `MISSED HIT: equal arguments did not share a key (${second.fresh ? 'the function ran again' : 'an older entry was returned'})`;
  }
  return undefined;
}

interface Outcome {
  readonly token: Token;
  readonly fresh: boolean;
  readonly uncacheable: boolean;
}

function callOnce(
  subject: Subject,
  args: readonly unknown[],
  equal: (x: readonly unknown[], y: readonly unknown[]) => Verdict,
  uncacheable: (args: readonly unknown[]) => boolean,
): Outcome | string {
  const before = subject.calls();
  let token: Token;
  try {
    token = subject.call(args);
  } catch (error) {
    return `CRASH: the call threw ${describeError(error)}`;
  }
  const fresh = token.n > before;
  const must = uncacheable(args);
  if (fresh) {
    const n = Math.max(args.length, token.args.length);
    for (let i = 0; i < n; i++) {
      if (!Object.is(token.args[i], args[i])) return `WRONG ARGUMENTS: the function received other arguments (at ${i})`;
    }
  } else if (must) {
    return 'WRONG VALUE: an uncacheable call (class instance without [cacheKey]()) returned a cached value';
  } else if (equal(token.args, args) === 'distinct') {
    return 'WRONG VALUE: a hit returned the value computed for earlier, unequal arguments';
  }
  return { token, fresh, uncacheable: must };
}

function describeError(error: unknown): string {
  if (error instanceof Error)
    return `${error.name}${'code' in error ? ` ${String(error.code)}` : ''}: ${error.message.slice(0, 200)}`;
  return String(error);
}
