/**
 * What the wrapper of a cached function must look like, read from the source: its form, name and
 * modifiers, its parameter list (for `length`), and the declared type it must keep, so code that
 * type-checks the output (ts-loader) sees the function it wrote.
 */
import type ts from 'typescript';
import type { Target } from './find.js';
import type { WrapperForm, WrapperShape } from './generate/function.js';
import { functionNames } from './generate/names.js';

type TS = typeof import('typescript');

/** The wrapper's shape: form, name, modifiers, parameters and declared type. */
export function shapeOf(ts: TS, target: Target, localName: string): WrapperShape {
  const params = outerParams(ts, target.node);
  const declared = target.node.parameters.filter((p) => !isThisParameter(ts, p));
  const arity = declared.length === params.length && !readsArguments(ts, target.node) ? params.length : 0;
  const fixed = arity >= 1 && arity <= 3 ? { fixedArity: arity as 1 | 2 | 3 } : {};
  return { ...formOf(ts, target, localName), params, ...fixed };
}

/** Whether the function's body mentions `arguments` (conservatively, in nested functions too). */
function readsArguments(ts: TS, node: ts.Node): boolean {
  const visit = (child: ts.Node): boolean =>
    (ts.isIdentifier(child) && child.text === 'arguments') || ts.forEachChild(child, visit) === true;
  return ts.forEachChild(node, visit) === true;
}

function formOf(ts: TS, target: Target, localName: string): WrapperForm {
  if (target.kind === 'function') {
    const modifiers = (target.node.modifiers ?? [])
      .filter((m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword)
      .map((m) => `${m.getText()} `)
      .join('');
    const signature = hasOverloads(ts, target.node)
      ? undefined
      : signatureText(ts, target.node, functionNames(localName).impl);
    return { form: 'function', name: target.name, modifiers, signature };
  }
  if (target.kind === 'variable') {
    const type = (target.statement.declarationList.declarations[0] as ts.VariableDeclaration).type;
    return { form: 'variable', name: target.name, declaredType: type?.getText() };
  }
  const method = (target.node.name as ts.Identifier | ts.StringLiteral).text;
  return { form: 'method', method, isStatic: target.isStatic };
}

/**
 * The wrapper's parameters: the original names up to the first default or rest parameter, so
 * `length` is unchanged and no default is evaluated twice.
 */
function outerParams(ts: TS, node: ts.SignatureDeclaration): string[] {
  const names: string[] = [];
  for (const param of node.parameters) {
    if (isThisParameter(ts, param)) continue;
    if (param.initializer !== undefined || param.dotDotDotToken !== undefined) break;
    names.push(parameterName(ts, param, names.length));
  }
  return names;
}

function isThisParameter(ts: TS, param: ts.ParameterDeclaration): boolean {
  return ts.isIdentifier(param.name) && param.name.text === 'this';
}

/** A parameter's name, or `$<index>` for a destructured one. */
function parameterName(ts: TS, param: ts.ParameterDeclaration, index: number): string {
  return ts.isIdentifier(param.name) ? param.name.text : `$${index}`;
}

/** Whether overload signatures precede the implementation `node`. */
function hasOverloads(ts: TS, node: ts.FunctionDeclaration): boolean {
  const statements = (node.parent as ts.SourceFile).statements;
  const previous = statements[statements.indexOf(node) - 1];
  return (
    previous !== undefined &&
    ts.isFunctionDeclaration(previous) &&
    previous.body === undefined &&
    previous.name?.text === node.name?.text
  );
}

/**
 * The declaration's signature as an overload (`<T>(x: T, y?: number): R`), from its own text:
 * type parameters and annotations as written, a default made optional. What is not written (an
 * inferred return type, a parameter typed by its default) is read off the renamed original
 * (`impl`), instantiated with the type parameters.
 */
function signatureText(ts: TS, node: ts.FunctionDeclaration, impl: string): string {
  const text = node.getSourceFile().text;
  const typeParameters = node.typeParameters;
  const typeArguments = typeParameters === undefined ? '' : `<${typeParameters.map((p) => p.name.text).join(', ')}>`;
  const original = `typeof ${impl}${typeArguments}`;
  const params: string[] = [];
  let index = 0;
  for (const param of node.parameters) {
    const type = param.type?.getText();
    if (isThisParameter(ts, param)) {
      if (type !== undefined) params.push(`this: ${type}`);
      continue;
    }
    const name = parameterName(ts, param, index);
    if (param.dotDotDotToken !== undefined) params.push(`...${name}: ${type ?? 'any[]'}`);
    else {
      const optional = param.questionToken !== undefined || param.initializer !== undefined ? '?' : '';
      const inferred = param.initializer === undefined ? 'any' : `Parameters<${original}>[${index}]`;
      params.push(`${name}${optional}: ${type ?? inferred}`);
    }
    index++;
  }
  const returns = node.type?.getText() ?? `ReturnType<${original}>`;
  const generics = typeParameters === undefined ? '' : `<${text.slice(typeParameters.pos, typeParameters.end)}>`;
  return `${generics}(${params.join(', ')}): ${returns}`;
}
