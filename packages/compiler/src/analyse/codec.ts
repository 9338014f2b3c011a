/**
 * The value codec from the (awaited) return type: `json` where JSON round-trips every value of
 * the type, `v8` where it holds Date, Map, Set, bigint, typed arrays or undefined. Numbers may be
 * NaN or ±Infinity, which JSON cannot hold, so number-bearing types leave the choice to the
 * runtime, which checks each value. Types no persistent tier can hold are reported.
 */
import type ts from 'typescript';
import type { CodecChoice } from '../plan.js';
import { builtinName, typeArguments } from './builtins.js';
import type { AnalysisContext } from './context.js';
import { recordSymbol } from './dependencies.js';

export interface CodecResult {
  readonly codec: CodecChoice;
  /** Why a persistent tier cannot hold the values, when it cannot. */
  readonly problem?: string;
}

interface Walk {
  v8: boolean;
  numbers: boolean;
  unknown: boolean;
  problem: string | undefined;
  readonly seen: Set<ts.Type>;
}

export function codecOf(ctx: AnalysisContext, type: ts.Type): CodecResult {
  const walk: Walk = { v8: false, numbers: false, unknown: false, problem: undefined, seen: new Set() };
  visit(ctx, type, walk);
  if (walk.problem !== undefined) return { codec: undefined, problem: walk.problem };
  if (walk.v8) return { codec: 'v8' };
  return { codec: walk.unknown || walk.numbers ? undefined : 'json' };
}

function visit(ctx: AnalysisContext, type: ts.Type, walk: Walk): void {
  if (walk.seen.has(type) || walk.problem !== undefined) return;
  walk.seen.add(type);
  recordSymbol(ctx, type.aliasSymbol);
  recordSymbol(ctx, type.getSymbol());
  const F = ctx.ts.TypeFlags;
  const flags = type.flags;
  if (flags & (F.Any | F.Unknown | F.TypeParameter | F.IndexedAccess | F.Conditional | F.NonPrimitive)) {
    walk.unknown = true;
  } else if (flags & F.NumberLike) {
    walk.numbers = true;
  } else if (flags & (F.BigIntLike | F.Undefined | F.Void)) {
    walk.v8 = true;
  } else if (flags & F.ESSymbolLike) {
    walk.problem = 'symbols';
  } else if (type.isUnionOrIntersection()) {
    for (const member of type.types) visit(ctx, member, walk);
  } else if (flags & F.Object) {
    visitObject(ctx, type, walk);
  }
}

function visitObject(ctx: AnalysisContext, type: ts.Type, walk: Walk): void {
  const builtin = builtinName(ctx, type);
  if (builtin !== undefined) {
    if (['Promise', 'PromiseLike', 'WeakMap', 'WeakSet', 'WeakRef', 'AbortSignal', 'Function'].includes(builtin)) {
      walk.problem = `a ${builtin}`;
      return;
    }
    walk.v8 = true;
    for (const arg of typeArguments(ctx, type)) visit(ctx, arg, walk);
    return;
  }
  if (ctx.checker.isArrayType(type) || ctx.checker.isTupleType(type)) {
    for (const arg of typeArguments(ctx, type)) visit(ctx, arg, walk);
    return;
  }
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) {
    walk.problem = 'functions';
    return;
  }
  const symbol = type.getSymbol();
  if (symbol !== undefined && symbol.flags & ctx.ts.SymbolFlags.Class && hasMethods(ctx, type)) {
    walk.problem = `instances of the class ${symbol.getName()}, whose methods a stored copy would lose`;
    return;
  }
  for (const info of ctx.checker.getIndexInfosOfType(type)) visit(ctx, info.type, walk);
  for (const property of type.getProperties()) {
    recordSymbol(ctx, property);
    const declared = ctx.checker.getTypeOfSymbol(property);
    const optional = (property.flags & ctx.ts.SymbolFlags.Optional) !== 0;
    visit(ctx, optional ? ctx.checker.getNonNullableType(declared) : declared, walk);
  }
}

function hasMethods(ctx: AnalysisContext, type: ts.Type): boolean {
  const SK = ctx.ts.SyntaxKind;
  return type
    .getProperties()
    .some((p) => p.declarations?.some((d) => d.kind === SK.MethodDeclaration || d.kind === SK.GetAccessor) === true);
}
