/**
 * Step 3 of the pipeline: a parameter's type → the `KeyNode` that says how its values enter the
 * key. Reads the checker; produces a plan that no longer refers to it.
 */
import type ts from 'typescript';
import type { KeyNode, PropertyKey, RuntimeKind } from '../plan.js';
import { builtinName, cacheKeyMethod, TYPED_ARRAYS, typeArguments } from './builtins.js';
import { type AnalysisContext, child, type Path, reflective, unkeyable } from './context.js';
import { mergeKeys, unionOf } from './union.js';

const PRIMITIVE: Record<string, KeyNode> = {
  string: { kind: 'string' },
  number: { kind: 'number' },
  boolean: { kind: 'boolean' },
  bigint: { kind: 'bigint' },
  null: { kind: 'null' },
  undefined: { kind: 'undefined' },
};

/** How values of `type` enter the key. Throws `CACHET_E_UNKEYABLE` for types that cannot. */
export function keyOf(ctx: AnalysisContext, type: ts.Type, path: Path): KeyNode {
  const F = ctx.ts.TypeFlags;
  const flags = type.flags;
  if (flags & F.Any) return reflective(ctx, path, 'typed any');
  if (flags & F.Unknown) return reflective(ctx, path, 'typed unknown');
  if (flags & (F.TypeParameter | F.IndexedAccess | F.Conditional | F.Substitution | F.Index)) {
    return reflective(ctx, path, `typed by the type parameter ${ctx.checker.typeToString(type)}`);
  }
  const primitive = primitiveKind(ctx, type);
  if (primitive !== undefined) return PRIMITIVE[primitive] as KeyNode;
  if (flags & F.ESSymbolLike) throw unkeyable(ctx, path, 'a symbol', 'has no value to compare');
  if (flags & F.NonPrimitive) return reflective(ctx, path, 'typed object');
  if (type.isUnion()) return recursive(ctx, type, () => unionOf(ctx, type, path));
  if (type.isIntersection()) {
    // Branded primitives (`string & { __brand: 'Id' }`) are keyed as the primitive.
    const brand = type.types.find((member) => primitiveKind(ctx, member) !== undefined);
    if (brand !== undefined) return keyOf(ctx, brand, path);
  }
  if (flags & (F.Object | F.Intersection)) return recursive(ctx, type, () => objectKey(ctx, type, path));
  return reflective(ctx, path, `typed ${ctx.checker.typeToString(type)}`);
}

function primitiveKind(ctx: AnalysisContext, type: ts.Type): string | undefined {
  const F = ctx.ts.TypeFlags;
  const flags = type.flags;
  if (flags & F.StringLike) return 'string';
  if (flags & F.NumberLike) return 'number';
  if (flags & F.BooleanLike) return 'boolean';
  if (flags & F.BigIntLike) return 'bigint';
  if (flags & F.Null) return 'null';
  if (flags & (F.Undefined | F.Void | F.Never)) return 'undefined';
  return undefined;
}

/**
 * Analyses `type` with `build`, unless it is already being analysed further up: then the type is
 * recursive, and both places refer to a named helper instead.
 */
function recursive(ctx: AnalysisContext, type: ts.Type, build: () => KeyNode): KeyNode {
  const named = ctx.named.get(type);
  if (named !== undefined) return named;
  const active = ctx.active.get(type);
  if (active !== undefined) {
    active.used = true;
    return { kind: 'ref', name: active.name, of: kindOfType(ctx, type) };
  }
  const entry = { name: helperName(ctx, type), used: false };
  ctx.active.set(type, entry);
  let node: KeyNode;
  try {
    node = build();
  } finally {
    ctx.active.delete(type);
  }
  if (!entry.used) return node;
  ctx.helpers.set(entry.name, node);
  const ref: KeyNode = { kind: 'ref', name: entry.name, of: kindOfType(ctx, type) };
  ctx.named.set(type, ref);
  return ref;
}

/** The runtime kind of a recursive type's values, before its node is known. */
function kindOfType(ctx: AnalysisContext, type: ts.Type): RuntimeKind {
  if (ctx.checker.isArrayType(type) || ctx.checker.isTupleType(type)) return 'array';
  if (type.isUnion()) return 'opaque';
  const builtin = builtinName(ctx, type);
  if (builtin === 'Map' || builtin === 'ReadonlyMap') return 'map';
  if (builtin === 'Set' || builtin === 'ReadonlySet') return 'set';
  return 'object';
}

function helperName(ctx: AnalysisContext, type: ts.Type): string {
  const symbolName = type.aliasSymbol?.getName() ?? type.getSymbol()?.getName() ?? '';
  const base = /^[A-Za-z_$][\w$]*$/.test(symbolName) && !symbolName.startsWith('__') ? symbolName : 'Type';
  let name = base;
  for (let i = 2; ctx.helpers.has(name) || [...ctx.active.values()].some((e) => e.name === name); i++)
    name = `${base}${i}`;
  return name;
}

function objectKey(ctx: AnalysisContext, type: ts.Type, path: Path): KeyNode {
  recordDependency(ctx, type);
  const builtin = builtinName(ctx, type);
  if (builtin !== undefined) return builtinKey(ctx, type, builtin, path);
  if (ctx.checker.isTupleType(type)) return tupleKey(ctx, type as ts.TypeReference, path);
  if (ctx.checker.isArrayType(type)) {
    const element = typeArguments(ctx, type)[0];
    return {
      kind: 'array',
      element: element === undefined ? { kind: 'reflect' } : keyOf(ctx, element, child(path, '[]')),
    };
  }
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) {
    throw unkeyable(ctx, path, 'a function', 'cannot be compared by value');
  }
  const custom = cacheKeyMethod(type);
  if (custom !== undefined) return customKey(ctx, custom, path);
  const indexInfos = ctx.checker.getIndexInfosOfType(type);
  if (indexInfos.length > 0) {
    const values = [
      ...indexInfos.map((info) => info.type),
      ...type.getProperties().map((p) => ctx.checker.getTypeOfSymbol(p)),
    ];
    return { kind: 'record', value: mergeKeys(values.map((value) => keyOf(ctx, value, child(path, '[key]')))) };
  }
  return propertiesKey(ctx, type, path);
}

function recordDependency(ctx: AnalysisContext, type: ts.Type): void {
  for (const declaration of type.getSymbol()?.declarations ?? [])
    ctx.dependencies.add(declaration.getSourceFile().fileName);
}

function builtinKey(ctx: AnalysisContext, type: ts.Type, name: string, path: Path): KeyNode {
  const args = typeArguments(ctx, type);
  const arg = (i: number, suffix: string): KeyNode => {
    const t = args[i];
    return t === undefined ? { kind: 'reflect' } : keyOf(ctx, t, child(path, suffix));
  };
  if (name === 'Date') return { kind: 'date' };
  if (name === 'Map' || name === 'ReadonlyMap') return { kind: 'map', key: arg(0, '<key>'), value: arg(1, '<value>') };
  if (name === 'Set' || name === 'ReadonlySet') return { kind: 'set', element: arg(0, '<item>') };
  if (TYPED_ARRAYS.has(name)) return { kind: 'typedArray', constructor: name };
  if (name === 'Buffer') return { kind: 'typedArray', constructor: 'Uint8Array' };
  if (name === 'ArrayBuffer' || name === 'SharedArrayBuffer' || name === 'DataView' || name === 'RegExp') {
    return reflective(ctx, path, `a ${name}`);
  }
  const why: Record<string, string> = {
    Promise: 'is a pending computation, not a value; await it and pass the result',
    PromiseLike: 'is a pending computation, not a value; await it and pass the result',
    AbortSignal: 'is not data; AbortSignal parameters are left out of the key on their own',
  };
  throw unkeyable(ctx, path, `a ${name}`, why[name] ?? 'cannot be compared by value');
}

function tupleKey(ctx: AnalysisContext, type: ts.TypeReference, path: Path): KeyNode {
  const target = type.target as ts.TupleType;
  const args = ctx.checker.getTypeArguments(type);
  const elements: KeyNode[] = [];
  let rest: KeyNode | undefined;
  args.forEach((arg, i) => {
    const flags = target.elementFlags[i] ?? ctx.ts.ElementFlags.Required;
    const node = keyOf(ctx, arg, child(path, `[${i}]`));
    if (flags & ctx.ts.ElementFlags.Variable || rest !== undefined)
      rest = rest === undefined ? node : mergeKeys([rest, node]);
    else elements.push(flags & ctx.ts.ElementFlags.Optional ? mergeKeys([node, { kind: 'undefined' }]) : node);
  });
  return { kind: 'tuple', elements, minLength: target.minLength, ...(rest === undefined ? {} : { rest }) };
}

function customKey(ctx: AnalysisContext, method: ts.Symbol, path: Path): KeyNode {
  const signature = ctx.checker.getTypeOfSymbol(method).getCallSignatures()[0];
  const result = signature === undefined ? undefined : ctx.checker.getReturnTypeOfSignature(signature);
  return {
    kind: 'custom',
    key: result === undefined ? { kind: 'reflect' } : keyOf(ctx, result, child(path, '[cacheKey]()')),
  };
}

/** Declared data properties (methods are behaviour, not data); a class needs at least one. */
function propertiesKey(ctx: AnalysisContext, type: ts.Type, path: Path): KeyNode {
  const symbol = type.getSymbol();
  const isClass = symbol !== undefined && (symbol.flags & ctx.ts.SymbolFlags.Class) !== 0;
  const properties: PropertyKey[] = [];
  for (const property of ctx.checker.getPropertiesOfType(type)) {
    if (!isDataProperty(ctx, property, isClass)) continue;
    const name = property.getName();
    const optional = (property.flags & ctx.ts.SymbolFlags.Optional) !== 0;
    const node = keyOf(ctx, ctx.checker.getTypeOfSymbol(property), child(path, `.${name}`));
    properties.push({ name, optional, node });
  }
  const name = type.aliasSymbol?.getName() ?? symbol?.getName();
  if (properties.length > 0) {
    return {
      kind: 'object',
      properties,
      ...(name !== undefined && /^[A-Za-z_$][\w$]*$/.test(name) && !name.startsWith('__') ? { name } : {}),
    };
  }
  if (isClass) {
    throw unkeyable(
      ctx,
      path,
      `an instance of ${symbol.getName()}`,
      'has neither data properties nor a [cacheKey]() method',
      true,
    );
  }
  return reflective(ctx, path, `typed ${ctx.checker.typeToString(type)}, which declares no properties`);
}

function isDataProperty(ctx: AnalysisContext, property: ts.Symbol, isClass: boolean): boolean {
  const name = property.escapedName as string;
  if (name.startsWith('__@') || name.startsWith('__#')) return false; // symbol keys, #private fields
  const declarations = property.declarations ?? [];
  const SK = ctx.ts.SyntaxKind;
  if (declarations.some((d) => d.kind === SK.MethodDeclaration || d.kind === SK.MethodSignature)) return false;
  if (isClass && declarations.some((d) => d.kind === SK.GetAccessor || d.kind === SK.SetAccessor)) return false;
  if (
    isClass &&
    declarations.some(
      (d) =>
        d.kind === SK.PropertyDeclaration &&
        (ctx.ts.getCombinedModifierFlags(d as ts.Declaration) & ctx.ts.ModifierFlags.Static) !== 0,
    )
  )
    return false;
  return true;
}
