/** Recognises the standard library's types (Date, Map, typed arrays, ...) by symbol and origin. */
import type ts from 'typescript';
import type { AnalysisContext } from './context.js';

export const TYPED_ARRAYS: ReadonlySet<string> = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
]);

/** Error and its standard subclasses: keyed by the runtime (name, message, cause, own fields). */
export const ERRORS: ReadonlySet<string> = new Set([
  'Error',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'AggregateError',
]);

const KNOWN = new Set([
  ...TYPED_ARRAYS,
  ...ERRORS,
  'Date',
  'Map',
  'ReadonlyMap',
  'Set',
  'ReadonlySet',
  'WeakMap',
  'WeakSet',
  'WeakRef',
  'Promise',
  'PromiseLike',
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'RegExp',
  'Buffer',
  'AbortSignal',
  'Function',
  'Symbol',
  'URL',
  'URLSearchParams',
  'Number',
  'String',
  'Boolean',
]);

/** The name of a standard-library type (`Date`, `Map`, ...), or undefined for other types. */
export function builtinName(ctx: AnalysisContext, type: ts.Type): string | undefined {
  const symbol = type.aliasSymbol?.getName() === 'Buffer' ? type.aliasSymbol : type.getSymbol();
  const name = symbol?.getName();
  if (symbol === undefined || name === undefined || !KNOWN.has(name)) return undefined;
  const fromLibrary = symbol.declarations?.some((declaration) => isLibraryFile(ctx, declaration.getSourceFile()));
  return fromLibrary ? name : undefined;
}

function isLibraryFile(ctx: AnalysisContext, file: ts.SourceFile): boolean {
  if (ctx.program?.isSourceFileDefaultLibrary(file)) return true;
  const path = file.fileName.replace(/\\/g, '/');
  return file.hasNoDefaultLib || /\/typescript\/lib\/lib\.[^/]*\.d\.ts$/.test(path) || path.includes('/@types/node/');
}

/** The type arguments of a generic instance (`Map<K, V>` → [K, V]). */
export function typeArguments(ctx: AnalysisContext, type: ts.Type): readonly ts.Type[] {
  const objectFlags = (type as ts.ObjectType).objectFlags ?? 0;
  if ((objectFlags & ctx.ts.ObjectFlags.Reference) === 0) return [];
  return ctx.checker.getTypeArguments(type as ts.TypeReference);
}

/** The property keyed by the runtime's `cacheKey` symbol, if the type declares one. */
export function cacheKeyMethod(type: ts.Type): ts.Symbol | undefined {
  return type.getProperties().find((property) => /^__@cacheKey@\d+$/.test(property.escapedName as string));
}

/** `AbortSignal` (or `AbortSignal | undefined`): not data; left out of keys without asking. */
export function isAbortSignal(ctx: AnalysisContext, type: ts.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  const F = ctx.ts.TypeFlags;
  const defined = members.filter((m) => (m.flags & (F.Undefined | F.Null)) === 0);
  return defined.length > 0 && defined.every((m) => builtinName(ctx, m) === 'AbortSignal');
}
