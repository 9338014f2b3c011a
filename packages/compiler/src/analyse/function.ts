/**
 * One annotated function → its plan: id, version, options, codec, and the key over its
 * parameters (and `this` for instance methods).
 */
import type ts from 'typescript';
import type { Annotation } from '../annotation.js';
import { CachetCompileError, type Span } from '../diagnostics.js';
import type { Target } from '../find.js';
import { sourceVersion } from '../identity.js';
import type { CachedFunctionPlan, KeyNode, ParamKey } from '../plan.js';
import { isAbortSignal } from './builtins.js';
import { codecOf } from './codec.js';
import type { AnalysisContext } from './context.js';
import { recordNames } from './dependencies.js';
import { keyOf } from './key.js';
import { mergeKeys } from './merge.js';

export interface PlanProps {
  readonly ctx: AnalysisContext;
  readonly target: Target;
  readonly annotation: Annotation;
  /** The file's path relative to its package, for the default id. */
  readonly path: string;
}

export function planFunction({ ctx, target, annotation, path }: PlanProps): CachedFunctionPlan {
  const { ts, checker } = ctx;
  const node = target.node;
  const tagSpan: Span = { start: target.tag.start, end: target.tag.start + '@cached'.length };
  const isAsync = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) === true;
  const params = node.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  checkIgnore(ts, annotation, params, target);
  const ignored = new Set(annotation.ignore.map((i) => i.name));
  const local = annotation.storage === 'memory';
  const paths = annotation.ignore.filter((i) => !isParamName(i.name));
  // Recursive helpers are shared by the functions of a file unless storage or ignore paths differ.
  if (local !== ctx.local || paths.length > 0 || ctx.ignored.size > 0) ctx.named.clear();
  ctx.local = local;
  ctx.site = { sourceFile: node.getSourceFile(), node };
  ctx.ignored = new Set(paths.map((i) => i.name));
  ctx.ignoredUsed.clear();
  // What the signature names (the body too when the return type is inferred) shapes the plan.
  for (const part of [...node.parameters, ...(node.typeParameters ?? []), node.type ?? node.body])
    recordNames(ctx, part);
  const keyed: ParamKey[] = [];
  params.forEach((param, index) => {
    const name = ts.isIdentifier(param.name) ? param.name.text : `#${index + 1}`;
    if (ignored.has(name)) return;
    ctx.span = { start: param.getStart(), end: param.end };
    const key = paramKey(ctx, param, name);
    if (key !== undefined) keyed.push({ index, name, rest: param.dotDotDotToken !== undefined, node: key });
  });
  let self: KeyNode | undefined;
  if (target.kind === 'method' && !target.isStatic && !ignored.has('this')) {
    ctx.span = tagSpan;
    self = keyOf(ctx, checker.getTypeAtLocation(target.classNode), { param: 'this', at: '' });
  }
  const unused = paths.find((i) => !ctx.ignoredUsed.has(i.name));
  if (unused !== undefined) {
    throw new CachetCompileError(
      'CACHET_E_IGNORE_UNKNOWN',
      `ignore names "${unused.name}", which is not a keyed field of ${target.name}'s parameters`,
      'write the path as the build reports it: a parameter name, then .field for each property (items[].id for array elements)',
      unused.span,
    );
  }
  const signature = checker.getSignatureFromDeclaration(node);
  const returned = signature === undefined ? undefined : checker.getReturnTypeOfSignature(signature);
  const awaited = returned === undefined ? undefined : (checker.getAwaitedType(returned) ?? returned);
  const codec = awaited === undefined ? { codec: undefined } : codecOf(ctx, awaited);
  if (codec.problem !== undefined && annotation.storage !== 'memory') {
    throw new CachetCompileError(
      'CACHET_E_UNPERSISTABLE',
      `${target.name} returns ${codec.problem}, which ${annotation.storage === undefined ? 'the default storage (tiered, persistent)' : `storage=${annotation.storage}`} cannot hold`,
      'use storage=memory, or return plain data',
      tagSpan,
    );
  }
  if (annotation.swr !== undefined && !isAsync) {
    ctx.warnings.push(
      new CachetCompileError(
        'CACHET_W_SWR_SYNC',
        `swr has no effect on the sync function ${target.name}`,
        'make the function async, or drop swr',
        tagSpan,
      ),
    );
  }
  return {
    id: annotation.id ?? `${path}#${target.name}`,
    localName: target.name.replace(/[^\w$]/g, '$'),
    ...(annotation.version === undefined
      ? {}
      : { version: annotation.version === 'auto' ? sourceVersion(ts, node) : annotation.version }),
    ...(annotation.ttl === undefined ? {} : { ttl: annotation.ttl }),
    ...(annotation.swr === undefined ? {} : { swr: annotation.swr }),
    ...(annotation.storage === undefined ? {} : { storage: annotation.storage }),
    async: isAsync,
    codec: codec.codec,
    key: { params: keyed, ...(self === undefined ? {} : { self }), helpers: ctx.helpers },
  };
}

/** A parameter's key, or undefined when it is left out (AbortSignal). */
function paramKey(ctx: AnalysisContext, param: ts.ParameterDeclaration, name: string): KeyNode | undefined {
  const type = ctx.checker.getTypeAtLocation(param);
  if (isAbortSignal(ctx, type)) return undefined;
  const path = { param: name, at: '' };
  const node = keyOf(ctx, type, path);
  if (param.dotDotDotToken !== undefined) {
    // The rest list is an array the engine makes for the call: its prototype check (`exact`
    // Array) has nothing to check, and each element is keyed by the element's type.
    const list = node.kind === 'exact' && node.builtin === 'Array' ? node.inner : node;
    if (list.kind === 'array') return list.element;
    if (list.kind === 'tuple') return mergeKeys([...list.elements, ...(list.rest === undefined ? [] : [list.rest])]);
    return { kind: 'reflect' };
  }
  // A parameter with a default may be passed undefined explicitly.
  return param.initializer === undefined ? node : mergeKeys([node, { kind: 'undefined' }]);
}

/** `options.locale` → `options`; `items[].id` → `items`. */
function rootOf(path: string): string {
  return path.split(/[.[<]/)[0] as string;
}

function isParamName(path: string): boolean {
  return rootOf(path) === path;
}

function checkIgnore(
  ts: typeof import('typescript'),
  annotation: Annotation,
  params: readonly ts.ParameterDeclaration[],
  target: Target,
): void {
  const names = params.flatMap((p) => (ts.isIdentifier(p.name) ? [p.name.text] : []));
  for (const entry of annotation.ignore) {
    const root = rootOf(entry.name);
    if (root === 'this' || names.includes(root)) continue;
    throw new CachetCompileError(
      'CACHET_E_IGNORE_UNKNOWN',
      `ignore names "${entry.name}", which is not a parameter of ${target.name}`,
      names.length === 0
        ? `${target.name} has no named parameters`
        : `its parameters are ${names.join(', ')}${target.kind === 'method' ? ', and this' : ''}`,
      entry.span,
    );
  }
}
