/**
 * Compiles a source text with the real compiler, writes the output as a module beside a runtime
 * namespace, and imports it: the generated encoders run with node against the runtime.
 *
 * The namespace re-exports `@cachet/runtime/internal` and fills in the key members of the
 * compiler/runtime interface (uncacheable, proto, instanceText, identity) only where the runtime
 * build at hand does not have them yet; the runtime's own members win once it does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { type CachetDiagnostic, createCompiler } from '../src/index.js';
import { compilerOptions } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
let built = 0;
/** The last program: the next one reuses its library files (building them is most of the time). */
let previous: ts.Program | undefined;
/**
 * The fixtures' options: the standard library alone (checked much faster than with Node's
 * types), and the DOM library for fixtures that use URL or AbortSignal.
 */
const options = (dom: boolean): ts.CompilerOptions => ({
  ...compilerOptions,
  types: [],
  lib: dom ? ['lib.es2022.d.ts', 'lib.dom.d.ts'] : ['lib.es2022.d.ts'],
});
/** Per-test time for tests that build fixtures: each build checks a program (seconds on a busy machine). */
export const BUILD_TIMEOUT = 300_000;

const NAMESPACE = `export * from '@cachet/runtime/internal';
import * as real from '@cachet/runtime/internal';
class Uncacheable extends Error {}
export const uncacheable =
  real.uncacheable ??
  ((reason) => {
    throw new Uncacheable(reason);
  });
const builtins = [Object, Array, Date, Map, Set, RegExp, Error, Number, String, Boolean, ArrayBuffer, URL,
  URLSearchParams, Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array,
  Float64Array, BigInt64Array, BigUint64Array, Uint8ClampedArray];
export const proto = real.proto ?? Object.freeze(Object.fromEntries(builtins.map((c) => [c.name, c.prototype])));
const objects = new WeakMap();
const symbols = new Map();
let next = 0;
export const identity =
  real.identity ??
  ((v) => {
    const ids = typeof v === 'symbol' ? symbols : objects;
    let id = ids.get(v);
    if (id === undefined) ids.set(v, (id = ++next));
    return id;
  });
export const instanceText =
  real.instanceText ??
  ((v, local) => {
    const p = Object.getPrototypeOf(v);
    const cls = local ? String(identity(p)) : String(p?.constructor?.name);
    let inner = '';
    if (v instanceof Date) inner = String(v.getTime());
    else if (v instanceof Map || v instanceof Set || Array.isArray(v)) inner = JSON.stringify([...v]);
    else if (v instanceof Error) inner = JSON.stringify([v.name, v.message]);
    return cls + '|' + inner + '|' + JSON.stringify(Object.entries(v));
  });
`;

let shared = false;

/**
 * From now on, fixtures are compiled as the bundler plugin compiles them: key helpers in modules of
 * their own (`helpers/` beside the fixture), importing the runtime itself.
 */
export function useSharedHelpers(): void {
  shared = true;
}

/** Where compiled fixtures import the runtime namespace from (written beside them). */
export const RUNTIME_MODULE = './runtime.mjs';

/** Writes the runtime namespace into `dir`, for output compiled with RUNTIME_MODULE. */
export function writeNamespace(dir: string): void {
  writeFileSync(join(dir, 'runtime.mjs'), NAMESPACE);
}

export interface Built {
  readonly diagnostics: readonly CachetDiagnostic[];
  /** The generated code. */
  readonly code: string;
  // biome-ignore lint/suspicious/noExplicitAny: the fixture's exports, as the test declares them
  readonly mod: any;
}

/** Compiles `source` (one file) and imports its output; `mod` is undefined when it has errors. */
export async function build(
  source: string,
  exports: readonly string[] = [],
  dom = false,
  /** Other modules beside the fixture, by file name (`cat.ts`), imported as `./cat.js`. */
  others: Readonly<Record<string, string>> = {},
): Promise<Built> {
  // Test files run in parallel workers: each build gets a directory of its own.
  mkdirSync(join(here, '.tmp/keys'), { recursive: true });
  const dir = mkdtempSync(join(here, '.tmp/keys', `case${++built}-`));
  const file = join(dir, 'fixture.ts');
  writeFileSync(file, source);
  writeNamespace(dir);
  const roots = [file];
  for (const [name, text] of Object.entries(others)) {
    const other = join(dir, name);
    writeFileSync(other, text);
    roots.push(other);
    const js = ts.transpileModule(text, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    });
    writeFileSync(other.replace(/\.ts$/, '.js'), js.outputText);
  }
  const program = ts.createProgram(roots, options(dom), undefined, previous);
  previous = program;
  const compiler = createCompiler({ ts, options: shared ? {} : { runtimeModule: RUNTIME_MODULE } });
  const fileName = file.replace(/\\/g, '/');
  const result = compiler.transform({ program, fileName, ...(shared ? { helperDir: './helpers/' } : {}) });
  if (result === undefined) throw new Error('nothing compiled');
  if (result.modules.length > 0) mkdirSync(join(dir, 'helpers'));
  for (const module of result.modules) writeFileSync(join(dir, 'helpers', module.name), module.code);
  const diagnostics = result.diagnostics;
  if (diagnostics.some((d) => d.category === 'error')) return { diagnostics, code: result.code, mod: undefined };
  const extra = exports.length === 0 ? '' : `\nexport { ${exports.join(', ')} };`;
  const js = ts.transpileModule(result.code + extra, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  const out = join(dir, 'fixture.mjs');
  writeFileSync(out, js.outputText);
  return { diagnostics, code: result.code, mod: await import(pathToFileURL(out).href) };
}

/** Calls `fn` with each argument list in turn; true where the call ran the function (a miss). */
export function misses(mod: { calls: number }, fn: (...args: never[]) => unknown, ...calls: unknown[][]): boolean[] {
  return calls.map((args) => {
    const before = mod.calls;
    (fn as (...a: unknown[]) => unknown)(...args);
    return mod.calls !== before;
  });
}
