/** What type analysis carries while it walks one function's parameter types. */
import type ts from 'typescript';
import { CachetCompileError, type Span } from '../diagnostics.js';
import type { KeyNode } from '../plan.js';

export type TS = typeof import('typescript');

export interface AnalysisContext {
  readonly ts: TS;
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program | undefined;
  /** Named helpers for recursive types, shared by the functions of one file. */
  readonly helpers: Map<string, KeyNode>;
  /** Types being analysed right now (to find recursion), with the helper name they would get. */
  readonly active: Map<ts.Type, { readonly name: string; used: boolean }>;
  /** Recursive types already turned into helpers. */
  readonly named: Map<ts.Type, KeyNode>;
  /** Files whose declarations the analysis read: a change there should re-transform this file. */
  readonly dependencies: Set<string>;
  /** Symbols whose declarations were recorded in `dependencies` (each is followed once). */
  readonly recorded: Set<ts.Symbol>;
  readonly warnings: CachetCompileError[];
  /** Where findings about the current parameter point. */
  span: Span;
  /** The function being planned: its file, and where generated code may reach names from. */
  site: Site | undefined;
  /** `storage=memory`: functions and unreachable classes may be keyed by process-local identity. */
  local: boolean;
  /** `ignore=` paths of the current function (`options.locale`), and those that matched a field. */
  ignored: ReadonlySet<string>;
  readonly ignoredUsed: Set<string>;
}

export interface Site {
  readonly sourceFile: ts.SourceFile;
  /** The cached function's declaration (generated code runs after the file's top level). */
  readonly node: ts.Node;
}

export function createContext(props: {
  ts: TS;
  checker: ts.TypeChecker;
  program: ts.Program | undefined;
}): AnalysisContext {
  return {
    ...props,
    helpers: new Map(),
    active: new Map(),
    named: new Map(),
    dependencies: new Set(),
    recorded: new Set(),
    warnings: [],
    span: { start: 0, end: 0 },
    site: undefined,
    local: false,
    ignored: new Set(),
    ignoredUsed: new Set(),
  };
}

/** A type that cannot be part of a key: an error naming the parameter and suggesting `ignore=`. */
export function unkeyable(
  ctx: AnalysisContext,
  path: Path,
  what: string,
  why: string,
  instance = false,
): CachetCompileError {
  const leaveOut = `leave it out of the key with ignore=${pathText(path)}`;
  const hint = instance ? `${leaveOut}, or give the class a [cacheKey]() method` : leaveOut;
  return new CachetCompileError(
    'CACHET_E_UNKEYABLE',
    `${describe(path)} cannot be part of a cache key: ${what} ${why}`,
    hint,
    ctx.span,
  );
}

/** `any`, `unknown` or a type parameter: the reflective encoder, and a warning. */
export function reflective(ctx: AnalysisContext, path: Path, what: string): KeyNode {
  ctx.warnings.push(
    new CachetCompileError(
      'CACHET_W_REFLECTIVE',
      `${describe(path)} is ${what}: its key uses the reflective encoder (slower, and a value's excess properties count)`,
      'give it a concrete type to get a generated encoder',
      ctx.span,
    ),
  );
  // storage=memory: the runtime may key functions and symbols inside the value by identity.
  return ctx.local ? { kind: 'reflect', local: true } : { kind: 'reflect' };
}

/** Where in a parameter a type sits, for messages: `parameter opts (at .items[])`. */
export interface Path {
  readonly param: string;
  readonly at: string;
}

/** The path as `ignore=` takes it: `options.locale.formatLong`, `items[].id`. */
export function pathText(path: Path): string {
  return path.param + path.at;
}

/** A function inside an argument with persistent storage: an error at its path. */
export function functionUnkeyable(ctx: AnalysisContext, path: Path): CachetCompileError {
  return new CachetCompileError(
    'CACHET_E_UNKEYABLE',
    `${describe(path)} cannot be part of a persistent cache key: a function has no value to store or compare across processes`,
    `leave it out of the key with ignore=${pathText(path)}, or key functions by identity with storage=memory`,
    ctx.span,
  );
}

/** A class whose state no type shows (`#private` fields): an error naming class and field. */
export function hiddenState(ctx: AnalysisContext, path: Path, className: string, field: string): CachetCompileError {
  return new CachetCompileError(
    'CACHET_E_HIDDEN_STATE',
    `${describe(path)} cannot be part of a cache key: ${className} keeps state in ${field}, which a key cannot read`,
    `give ${className} a [cacheKey]() method returning its state (import { cacheKey } from '@cachet/runtime'), or leave it out of the key with ignore=${pathText(path)}`,
    ctx.span,
  );
}

export function describe(path: Path): string {
  const subject = path.param === 'this' ? '`this`' : `parameter ${path.param}`;
  return path.at === '' ? subject : `${subject} (at ${path.at})`;
}

export function child(path: Path, suffix: string): Path {
  return { param: path.param, at: path.at + suffix };
}
