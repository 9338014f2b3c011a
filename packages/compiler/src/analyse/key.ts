/**
 * Step 3 of the pipeline: a parameter's type → the `KeyNode` that says how its values enter the
 * key. Reads the checker; produces a plan that no longer refers to it.
 */
import type ts from 'typescript';
import type { BuiltinValue, KeyNode, PropertyKey, RuntimeKind } from '../plan.js';
import { builtinName, cacheKeyMethod, ERRORS, isAbortSignal, TYPED_ARRAYS, typeArguments } from './builtins.js';
import {
  type AnalysisContext,
  child,
  functionUnkeyable,
  hiddenState,
  type Path,
  pathText,
  reflective,
  unkeyable,
} from './context.js';
import { recordSymbol } from './dependencies.js';
import { mergeKeys } from './merge.js';
import { unionOf } from './union.js';

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
  recordSymbol(ctx, type.aliasSymbol);
  const F = ctx.ts.TypeFlags;
  const flags = type.flags;
  if (flags & F.Any) return reflective(ctx, path, 'typed any');
  if (flags & F.Unknown) return reflective(ctx, path, 'typed unknown');
  if (flags & (F.TypeParameter | F.IndexedAccess | F.Conditional | F.Substitution)) {
    const constraint = constraintOf(ctx, type);
    if (constraint !== undefined) return keyOf(ctx, constraint, path);
    return reflective(ctx, path, `typed by the unconstrained type parameter ${ctx.checker.typeToString(type)}`);
  }
  if (flags & F.Index) return reflective(ctx, path, `typed ${ctx.checker.typeToString(type)}`);
  const primitive = primitiveKind(ctx, type);
  if (primitive !== undefined) return PRIMITIVE[primitive] as KeyNode;
  if (flags & F.ESSymbolLike) {
    if (ctx.local) return { kind: 'identity' };
    throw unkeyable(ctx, path, 'a symbol', 'has no value a persistent key can hold; use storage=memory');
  }
  if (flags & F.NonPrimitive) return reflective(ctx, path, 'typed object');
  if (type.isUnion()) return recursive(ctx, type, () => unionOf(ctx, type, path, keyOf));
  if (type.isIntersection()) {
    // Brands (`string & { __brand: 'Id' }`, `Date & { __brand: 'Ts' }`) are keyed as the
    // primitive or built-in they brand; the phantom members are never read.
    const branded = type.types.find(
      (member) =>
        primitiveKind(ctx, member) !== undefined ||
        builtinName(ctx, member) !== undefined ||
        ctx.checker.isArrayType(member) ||
        ctx.checker.isTupleType(member),
    );
    if (branded !== undefined) return keyOf(ctx, branded, path);
  }
  if (flags & (F.Object | F.Intersection)) return recursive(ctx, type, () => objectKey(ctx, type, path));
  return reflective(ctx, path, `typed ${ctx.checker.typeToString(type)}`);
}

/** A type parameter's (or indexed access's) constraint, when it says anything about the value. */
function constraintOf(ctx: AnalysisContext, type: ts.Type): ts.Type | undefined {
  const constraint = ctx.checker.getBaseConstraintOfType(type);
  if (constraint === undefined || constraint === type) return undefined;
  const F = ctx.ts.TypeFlags;
  if (constraint.flags & (F.Any | F.Unknown | F.TypeParameter)) return undefined;
  const empty =
    constraint.flags & F.Object &&
    constraint.getProperties().length === 0 &&
    constraint.getCallSignatures().length === 0 &&
    ctx.checker.getIndexInfosOfType(constraint).length === 0;
  return empty ? undefined : constraint;
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
  const symbol = type.getSymbol();
  if (symbol !== undefined && symbol.flags & ctx.ts.SymbolFlags.Class && cacheKeyMethod(type) === undefined) {
    const reachable = reachableClass(ctx, symbol);
    if (reachable !== undefined) return `class:${reachable.name}`;
  }
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
  recordSymbol(ctx, type.getSymbol());
  const builtin = builtinName(ctx, type);
  if (builtin !== undefined) return builtinKey(ctx, type, builtin, path);
  if (ctx.checker.isTupleType(type)) return exactBuiltin(ctx, 'Array', tupleKey(ctx, type as ts.TypeReference, path));
  if (ctx.checker.isArrayType(type)) {
    const element = typeArguments(ctx, type)[0];
    return exactBuiltin(ctx, 'Array', {
      kind: 'array',
      element: element === undefined ? { kind: 'reflect' } : keyOf(ctx, element, child(path, '[]')),
    });
  }
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return functionKey(ctx, path);
  const custom = cacheKeyMethod(type);
  if (custom !== undefined) return customKey(ctx, custom, path);
  const symbol = type.getSymbol();
  if (symbol !== undefined && symbol.flags & ctx.ts.SymbolFlags.Class) return classKey(ctx, type, symbol, path);
  const indexInfos = ctx.checker.getIndexInfosOfType(type);
  if (indexInfos.length > 0) return recordKey(ctx, type, indexInfos, path);
  return propertiesKey(ctx, type, path, false);
}

function recordKey(ctx: AnalysisContext, type: ts.Type, infos: readonly ts.IndexInfo[], path: Path): KeyNode {
  const values = [
    ...infos.map((info) => info.type),
    ...type.getProperties().map((p) => {
      recordSymbol(ctx, p);
      return ctx.checker.getTypeOfSymbol(p);
    }),
  ];
  return { kind: 'record', value: mergeKeys(values.map((value) => keyOf(ctx, value, child(path, '[key]')))) };
}

function functionKey(ctx: AnalysisContext, path: Path): KeyNode {
  if (ctx.local) return { kind: 'identity' };
  throw functionUnkeyable(ctx, path);
}

function exactBuiltin(ctx: AnalysisContext, builtin: string, inner: KeyNode): KeyNode {
  return { kind: 'exact', builtin, local: ctx.local, inner };
}

/** Built-ins keyed by one string of their internal value (boxed primitives: primitives too). */
const BUILTIN_VALUES = new Set<string>([
  'RegExp',
  'URL',
  'URLSearchParams',
  'ArrayBuffer',
  'Number',
  'String',
  'Boolean',
]);

function builtinKey(ctx: AnalysisContext, type: ts.Type, name: string, path: Path): KeyNode {
  const args = typeArguments(ctx, type);
  const arg = (i: number, suffix: string): KeyNode => {
    const t = args[i];
    return t === undefined ? { kind: 'reflect' } : keyOf(ctx, t, child(path, suffix));
  };
  if (name === 'Date') return exactBuiltin(ctx, 'Date', { kind: 'date' });
  if (name === 'Map' || name === 'ReadonlyMap') {
    return exactBuiltin(ctx, 'Map', { kind: 'map', key: arg(0, '<key>'), value: arg(1, '<value>') });
  }
  if (name === 'Set' || name === 'ReadonlySet')
    return exactBuiltin(ctx, 'Set', { kind: 'set', element: arg(0, '<item>') });
  if (TYPED_ARRAYS.has(name)) return exactBuiltin(ctx, name, { kind: 'typedArray', constructor: name });
  // A Buffer is a Uint8Array subclass without state of its own.
  if (name === 'Buffer') return { kind: 'typedArray', constructor: 'Uint8Array' };
  if (BUILTIN_VALUES.has(name)) return exactBuiltin(ctx, name, { kind: 'builtin', name: name as BuiltinValue });
  if (ERRORS.has(name)) return { kind: 'instance', local: ctx.local };
  if (name === 'Function') return functionKey(ctx, path);
  if (name === 'SharedArrayBuffer' || name === 'DataView') {
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

/**
 * A class instance: class identity, then its state. Hidden state (`#private` fields) is an
 * error; a class extending a built-in (`class Stack extends Array<number>`) is keyed as the
 * built-in; a class generated code cannot reach by name is keyed by the runtime's instanceText.
 */
function classKey(ctx: AnalysisContext, type: ts.Type, symbol: ts.Symbol, path: Path): KeyNode {
  const className = symbol.getName();
  const hidden = ctx.checker.getPropertiesOfType(type).find(
    (p) =>
      (p.escapedName as string).startsWith('__#') &&
      // Private methods and accessors are behaviour; the fields they read are checked themselves.
      !(p.declarations ?? []).some(
        (d) =>
          d.kind === ctx.ts.SyntaxKind.MethodDeclaration ||
          d.kind === ctx.ts.SyntaxKind.GetAccessor ||
          d.kind === ctx.ts.SyntaxKind.SetAccessor,
      ),
  );
  if (hidden !== undefined) throw hiddenState(ctx, path, className, hidden.getName());
  const reachable = reachableClass(ctx, symbol);
  const base = builtinBase(ctx, type);
  let inner: KeyNode;
  if (base !== undefined) {
    const own = ctx.checker
      .getPropertiesOfType(type)
      .some(
        (p) => isDataProperty(ctx, p, true) && !(p.escapedName as string).startsWith('__') && !isFromLibrary(ctx, p),
      );
    if (own || reachable === undefined) return { kind: 'instance', local: ctx.local };
    const node = keyOf(ctx, base, path);
    inner = node.kind === 'exact' ? node.inner : node;
  } else {
    inner = propertiesKey(ctx, type, path, true);
    if (reachable === undefined) return { kind: 'instance', local: ctx.local };
  }
  return {
    kind: 'exact',
    className: reachable.name,
    ...(reachable.from === undefined ? {} : { from: reachable.from }),
    local: ctx.local,
    inner,
  };
}

/** The built-in (or array) a class extends, directly or through other classes. */
function builtinBase(ctx: AnalysisContext, type: ts.Type): ts.Type | undefined {
  const seen = new Set<ts.Type>();
  const visit = (t: ts.Type): ts.Type | undefined => {
    if (seen.has(t)) return undefined;
    seen.add(t);
    const target = (t as ts.TypeReference).target ?? t;
    if (
      !(target.flags & ctx.ts.TypeFlags.Object) ||
      !((target as ts.ObjectType).objectFlags & ctx.ts.ObjectFlags.ClassOrInterface)
    )
      return undefined;
    for (const b of ctx.checker.getBaseTypes(target as ts.InterfaceType)) {
      if (ctx.checker.isArrayType(b) || builtinName(ctx, b) !== undefined) return b;
      const deeper = visit(b);
      if (deeper !== undefined) return deeper;
    }
    return undefined;
  };
  return visit(type);
}

function isFromLibrary(ctx: AnalysisContext, property: ts.Symbol): boolean {
  return (property.declarations ?? []).every(
    (d) => ctx.program?.isSourceFileDefaultLibrary(d.getSourceFile()) ?? false,
  );
}

/** How generated code reaches a class: a name, and the import that binds it when imported. */
interface ReachableClass {
  readonly name: string;
  readonly from?: { readonly module: string; readonly name: string };
}

/**
 * The name generated code (at the end of the compiled file) reaches a class by: a top-level
 * class declaration of this file, before the cached function or around it; or a class this file
 * imports as a value, which generated code imports again under a name of its own. Undefined for
 * classes reached only through types (their instances are keyed by the runtime's instanceText).
 */
export function reachableClass(ctx: AnalysisContext, symbol: ts.Symbol): ReachableClass | undefined {
  const site = ctx.site;
  if (site === undefined) return undefined;
  const declaration = symbol.declarations?.find(ctx.ts.isClassDeclaration);
  if (declaration?.name === undefined) return undefined;
  // An ambient class (`declare class`) in a source file has no value at run time.
  const ambient = (ctx.ts.getCombinedModifierFlags(declaration) & ctx.ts.ModifierFlags.Ambient) !== 0;
  if (ambient && !declaration.getSourceFile().isDeclarationFile) return undefined;
  if (declaration.parent === site.sourceFile) {
    const around = declaration.pos <= site.node.pos && site.node.end <= declaration.end;
    return declaration.end <= site.node.pos || around ? { name: declaration.name.text } : undefined;
  }
  return importedClass(ctx, site.sourceFile, symbol);
}

function importedClass(ctx: AnalysisContext, file: ts.SourceFile, symbol: ts.Symbol): ReachableClass | undefined {
  const { ts } = ctx;
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (clause === undefined || clause.isTypeOnly) continue;
    const module = statement.moduleSpecifier.text;
    const bindings: { local: ts.Identifier; imported: string }[] = [];
    if (clause.name !== undefined) bindings.push({ local: clause.name, imported: 'default' });
    if (clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)) {
      for (const element of clause.namedBindings.elements) {
        if (element.isTypeOnly) continue;
        bindings.push({ local: element.name, imported: (element.propertyName ?? element.name).text });
      }
    }
    for (const { local, imported } of bindings) {
      const alias = ctx.checker.getSymbolAtLocation(local);
      if (alias === undefined || ctx.checker.getAliasedSymbol(alias) !== symbol || typeOnlyOnTheWay(ctx, alias)) {
        continue;
      }
      return { name: `__cachet$class$${local.text}`, from: { module, name: imported } };
    }
  }
  return undefined;
}

/** Whether an import reaches its class through a type-only export (`export type { Cat }`). */
function typeOnlyOnTheWay(ctx: AnalysisContext, alias: ts.Symbol): boolean {
  for (let at: ts.Symbol | undefined = alias, hops = 0; at !== undefined && hops < 32; hops++) {
    if (!(at.flags & ctx.ts.SymbolFlags.Alias)) return false;
    if ((at.declarations ?? []).some((d) => ctx.ts.isTypeOnlyImportOrExportDeclaration(d))) return true;
    at = ctx.checker.getImmediateAliasedSymbol(at);
  }
  return false;
}

/** Declared data properties (methods are behaviour, not data); a class needs at least one. */
function propertiesKey(ctx: AnalysisContext, type: ts.Type, path: Path, isClass: boolean): KeyNode {
  const symbol = type.getSymbol();
  const properties: PropertyKey[] = [];
  for (const property of ctx.checker.getPropertiesOfType(type)) {
    recordSymbol(ctx, property);
    if (!isDataProperty(ctx, property, isClass)) continue;
    const escaped = property.escapedName as string;
    if (escaped.startsWith('__#') && !isAccessor(ctx, property)) {
      // A #private field met outside classKey (a class in an intersection): still hidden state.
      const owner = property.declarations?.[0]?.parent;
      const ownerName = owner !== undefined && ctx.ts.isClassLike(owner) ? owner.name?.text : undefined;
      throw hiddenState(ctx, path, ownerName ?? 'its class', property.getName());
    }
    if (escaped.startsWith('__#')) continue;
    const declaredType = ctx.checker.getTypeOfSymbol(property);
    const optional = (property.flags & ctx.ts.SymbolFlags.Optional) !== 0;
    if (escaped.startsWith('__@')) {
      const at = child(path, `[${symbolText(ctx, property)}]`);
      if (consumeIgnore(ctx, at)) continue;
      const keyed = symbolProperty(ctx, property, declaredType, at);
      if (keyed === undefined) continue;
      properties.push({ name: keyed, symbol: keyed, optional, node: keyOf(ctx, declaredType, at) });
      continue;
    }
    const name = property.getName();
    const at = child(path, `.${name}`);
    if (consumeIgnore(ctx, at) || isAbortSignal(ctx, declaredType)) continue;
    properties.push({ name, optional, node: keyOf(ctx, declaredType, at) });
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
      `an instance of ${symbol?.getName()}`,
      'has neither data properties nor a [cacheKey]() method',
      true,
    );
  }
  return reflective(ctx, path, `typed ${ctx.checker.typeToString(type)}, which declares no properties`);
}

/** Whether `ignore=` names this path; marks the entry as used. */
function consumeIgnore(ctx: AnalysisContext, path: Path): boolean {
  const text = pathText(path);
  if (!ctx.ignored.has(text)) return false;
  ctx.ignoredUsed.add(text);
  return true;
}

/**
 * A symbol-keyed member → the expression generated code reads it with (`Symbol.toStringTag`,
 * or a top-level `const` of this file), or undefined for well-known-symbol methods (behaviour,
 * not data). A symbol generated code cannot reach is an error.
 */
function symbolProperty(ctx: AnalysisContext, property: ts.Symbol, type: ts.Type, path: Path): string | undefined {
  const declaration = property.declarations?.[0];
  const name = declaration === undefined ? undefined : ctx.ts.getNameOfDeclaration(declaration);
  const expression = name !== undefined && ctx.ts.isComputedPropertyName(name) ? name.expression : undefined;
  if (
    expression !== undefined &&
    ctx.ts.isPropertyAccessExpression(expression) &&
    ctx.ts.isIdentifier(expression.expression) &&
    expression.expression.text === 'Symbol'
  ) {
    if (type.getCallSignatures().length > 0) return undefined;
    return `Symbol.${expression.name.text}`;
  }
  if (expression !== undefined && ctx.ts.isIdentifier(expression) && ctx.site !== undefined) {
    const symbol = ctx.checker.getSymbolAtLocation(expression);
    const variable = symbol?.valueDeclaration;
    if (
      variable !== undefined &&
      ctx.ts.isVariableDeclaration(variable) &&
      ctx.ts.isVariableDeclarationList(variable.parent) &&
      (variable.parent.flags & ctx.ts.NodeFlags.Const) !== 0 &&
      variable.initializer !== undefined &&
      variable.parent.parent.parent === ctx.site.sourceFile &&
      variable.end <= ctx.site.node.pos &&
      ctx.ts.isIdentifier(variable.name)
    ) {
      return variable.name.text;
    }
  }
  const shown = symbolText(ctx, property);
  throw unkeyable(
    ctx,
    path,
    `a member keyed by the symbol ${shown}`,
    'is keyed by a symbol that generated code cannot reach; declare it as a top-level const of this file, before the function',
  );
}

/** How a symbol-keyed member is written in its declaration: `Symbol.toStringTag`, `tag`. */
function symbolText(ctx: AnalysisContext, property: ts.Symbol): string {
  const declaration = property.declarations?.[0];
  const name = declaration === undefined ? undefined : ctx.ts.getNameOfDeclaration(declaration);
  return name !== undefined && ctx.ts.isComputedPropertyName(name) ? name.expression.getText() : property.getName();
}

function isAccessor(ctx: AnalysisContext, property: ts.Symbol): boolean {
  const SK = ctx.ts.SyntaxKind;
  return (property.declarations ?? []).some((d) => d.kind === SK.GetAccessor || d.kind === SK.SetAccessor);
}

function isDataProperty(ctx: AnalysisContext, property: ts.Symbol, isClass: boolean): boolean {
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
