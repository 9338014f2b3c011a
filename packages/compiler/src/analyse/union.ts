/**
 * Unions: members are told apart at run time by their kind (typeof, Array.isArray, instanceof),
 * so members of one kind are merged: several object types become one object over all their
 * properties, or a switch on a discriminant property when they have one.
 */
import type ts from 'typescript';
import type { KeyNode } from '../plan.js';
import { builtinName, cacheKeyMethod } from './builtins.js';
import type { AnalysisContext, Path } from './context.js';
import { mergeKeys } from './merge.js';

/** How a type's values enter the key (`keyOf`, passed in so that this module does not import it). */
export type KeyOf = (ctx: AnalysisContext, type: ts.Type, path: Path) => KeyNode;

/** A union type → one node (a single kind) or a `union` node with one member per kind. */
export function unionOf(ctx: AnalysisContext, type: ts.UnionType, path: Path, keyOf: KeyOf): KeyNode {
  const objects = type.types.filter((member) => isPlainObject(ctx, member));
  const discriminant = objects.length >= 2 ? findDiscriminant(ctx, objects) : undefined;
  if (discriminant === undefined) return mergeKeys(type.types.map((member) => keyOf(ctx, member, path)));
  const cases = objects.map((member) => ({
    values: literalValues(ctx, ctx.checker.getTypeOfSymbol(member.getProperty(discriminant) as ts.Symbol)) ?? [],
    node: keyOf(ctx, member, path),
  }));
  const others = type.types.filter((member) => !objects.includes(member)).map((member) => keyOf(ctx, member, path));
  return mergeKeys([...others, { kind: 'discriminated', property: discriminant, cases }]);
}

function isPlainObject(ctx: AnalysisContext, type: ts.Type): boolean {
  return (
    (type.flags & ctx.ts.TypeFlags.Object) !== 0 &&
    !ctx.checker.isArrayType(type) &&
    !ctx.checker.isTupleType(type) &&
    builtinName(ctx, type) === undefined &&
    type.getCallSignatures().length === 0 &&
    ctx.checker.getIndexInfosOfType(type).length === 0 &&
    cacheKeyMethod(type) === undefined &&
    ((type.getSymbol()?.flags ?? 0) & ctx.ts.SymbolFlags.Class) === 0
  );
}

/** A property every member declares (required) with literal types no two members share. */
function findDiscriminant(ctx: AnalysisContext, members: readonly ts.Type[]): string | undefined {
  const first = members[0] as ts.Type;
  for (const property of first.getProperties()) {
    const name = property.getName();
    const seen = new Set<string | number | boolean>();
    const ok = members.every((member) => {
      const own = member.getProperty(name);
      if (own === undefined || own.flags & ctx.ts.SymbolFlags.Optional) return false;
      const values = literalValues(ctx, ctx.checker.getTypeOfSymbol(own));
      if (values === undefined || values.some((v) => seen.has(v))) return false;
      for (const v of values) seen.add(v);
      return true;
    });
    if (ok) return name;
  }
  return undefined;
}

function literalValues(ctx: AnalysisContext, type: ts.Type): (string | number | boolean)[] | undefined {
  const values: (string | number | boolean)[] = [];
  for (const member of type.isUnion() ? type.types : [type]) {
    if (member.isStringLiteral() || member.isNumberLiteral()) values.push(member.value);
    else if (member.flags & ctx.ts.TypeFlags.BooleanLiteral) values.push(ctx.checker.typeToString(member) === 'true');
    else return undefined;
  }
  return values;
}
