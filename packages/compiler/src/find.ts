/**
 * Step 1 of the pipeline: find the functions marked `@cached` in a source file, and refuse tags
 * on anything that cannot be cached (generators, accessors, non-functions, nested functions).
 */
import type ts from 'typescript';
import { CachetCompileError, type DiagnosticCode } from './diagnostics.js';
import { readTag, type Tag } from './tag.js';

type TS = typeof import('typescript');

/** A function the compiler rewrites, in one of the three forms it supports. */
export type Target =
  | {
      readonly kind: 'function';
      readonly tag: Tag;
      readonly name: string;
      readonly node: ts.FunctionDeclaration;
    }
  | {
      readonly kind: 'variable';
      readonly tag: Tag;
      readonly name: string;
      readonly statement: ts.VariableStatement;
      readonly node: ts.ArrowFunction | ts.FunctionExpression;
    }
  | {
      readonly kind: 'method';
      readonly tag: Tag;
      /** `Class.method`. */
      readonly name: string;
      readonly node: ts.MethodDeclaration;
      readonly classNode: ts.ClassDeclaration;
      readonly isStatic: boolean;
    };

export interface Found {
  readonly targets: Target[];
  readonly errors: CachetCompileError[];
}

/** Walks the file once; every `@cached` comment ends up as a target or an error. */
export function findTargets(ts: TS, sourceFile: ts.SourceFile): Found {
  const text = sourceFile.text;
  const seen = new Set<number>();
  const found: Found = { targets: [], errors: [] };
  const visit = (node: ts.Node): void => {
    const tag = readTag(ts, text, node);
    if (tag !== undefined && !seen.has(tag.commentStart)) {
      seen.add(tag.commentStart);
      try {
        found.targets.push(classify(ts, node, tag));
      } catch (error) {
        if (!(error instanceof CachetCompileError)) throw error;
        found.errors.push(error);
      }
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sourceFile, visit);
  return found;
}

function refuse(tag: Tag, code: DiagnosticCode, message: string, hint: string): CachetCompileError {
  return new CachetCompileError(code, message, hint, { start: tag.start, end: tag.start + '@cached'.length });
}

function classify(ts: TS, node: ts.Node, tag: Tag): Target {
  if (ts.isFunctionDeclaration(node)) return functionTarget(ts, node, tag);
  if (ts.isVariableStatement(node)) return variableTarget(ts, node, tag);
  if (ts.isMethodDeclaration(node)) return methodTarget(ts, node, tag);
  if (ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    throw refuse(tag, 'CACHET_E_ACCESSOR', '@cached cannot mark a getter or setter', 'cache a method instead');
  }
  if (ts.isConstructorDeclaration(node)) {
    throw refuse(tag, 'CACHET_E_UNSUPPORTED', '@cached cannot mark a constructor', 'cache a static factory method');
  }
  if (ts.isPropertyDeclaration(node) && node.initializer !== undefined && isFunctionExpression(ts, node.initializer)) {
    throw refuse(
      tag,
      'CACHET_E_UNSUPPORTED',
      '@cached cannot mark a function-valued class field',
      'write it as a method',
    );
  }
  throw refuse(
    tag,
    'CACHET_E_NOT_A_FUNCTION',
    `@cached marks something that is not a function (${ts.SyntaxKind[node.kind]})`,
    'put the tag in the comment right above a function declaration, a const bound to a function, or a method',
  );
}

function isFunctionExpression(ts: TS, node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

function requireModuleLevel(ts: TS, node: ts.Node, tag: Tag): void {
  if (!ts.isSourceFile(node.parent)) {
    throw refuse(
      tag,
      'CACHET_E_NOT_MODULE_LEVEL',
      '@cached functions must be declared at module level',
      'move the function (or its class) to the top level of the module, so it has one cache for the process',
    );
  }
}

function refuseGenerator(tag: Tag, node: { readonly asteriskToken?: ts.AsteriskToken | undefined }): void {
  if (node.asteriskToken !== undefined) {
    throw refuse(
      tag,
      'CACHET_E_GENERATOR',
      '@cached cannot mark a generator',
      'collect the values into an array and cache a function returning it',
    );
  }
}

function functionTarget(ts: TS, node: ts.FunctionDeclaration, tag: Tag): Target {
  refuseGenerator(tag, node);
  requireModuleLevel(ts, node, tag);
  const impl = node.body === undefined ? implementationOf(ts, node) : node;
  if (impl?.name === undefined) {
    throw refuse(
      tag,
      'CACHET_E_UNSUPPORTED',
      impl === undefined ? '@cached marks a function without a body' : '@cached needs a named function',
      'give the function a name',
    );
  }
  return { kind: 'function', tag, name: impl.name.text, node: impl };
}

/** The declaration with a body that follows an overload signature. */
function implementationOf(ts: TS, node: ts.FunctionDeclaration): ts.FunctionDeclaration | undefined {
  const statements = (node.parent as ts.SourceFile).statements;
  for (let i = statements.indexOf(node) + 1; i < statements.length; i++) {
    const next = statements[i];
    if (next === undefined || !ts.isFunctionDeclaration(next) || next.name?.text !== node.name?.text) return undefined;
    if (next.body !== undefined) return next;
  }
  return undefined;
}

function variableTarget(ts: TS, statement: ts.VariableStatement, tag: Tag): Target {
  const declarations = statement.declarationList.declarations;
  const declaration = declarations[0];
  const init = declaration?.initializer;
  if (
    declaration === undefined ||
    init === undefined ||
    !isFunctionExpression(ts, init) ||
    !ts.isIdentifier(declaration.name)
  ) {
    throw refuse(
      tag,
      'CACHET_E_NOT_A_FUNCTION',
      '@cached marks a variable that is not bound to a function',
      'bind the name to an arrow function or a function expression: const f = (…) => …',
    );
  }
  refuseGenerator(tag, init);
  requireModuleLevel(ts, statement, tag);
  if (declarations.length !== 1) {
    throw refuse(
      tag,
      'CACHET_E_UNSUPPORTED',
      '@cached marks a statement declaring several variables',
      'declare the cached function in its own statement',
    );
  }
  return { kind: 'variable', tag, name: declaration.name.text, statement, node: init };
}

function methodTarget(ts: TS, node: ts.MethodDeclaration, tag: Tag): Target {
  refuseGenerator(tag, node);
  const classNode = node.parent;
  if (!ts.isClassDeclaration(classNode)) {
    throw refuse(
      tag,
      'CACHET_E_UNSUPPORTED',
      '@cached marks a method outside a class declaration',
      'declare the class with a class declaration at module level',
    );
  }
  requireModuleLevel(ts, classNode, tag);
  const isStatic = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) === true;
  if (node.body === undefined || node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)) {
    throw refuse(
      tag,
      'CACHET_E_UNSUPPORTED',
      '@cached marks a method without a body',
      'put the tag on the method implementation',
    );
  }
  if (!ts.isIdentifier(node.name) && !ts.isStringLiteral(node.name)) {
    throw refuse(
      tag,
      'CACHET_E_UNSUPPORTED',
      '@cached needs a method with a plain name',
      'private (#) and computed method names are not supported; use a plain name',
    );
  }
  const className = classNode.name?.text ?? 'default';
  return { kind: 'method', tag, name: `${className}.${node.name.text}`, node, classNode, isStatic };
}
