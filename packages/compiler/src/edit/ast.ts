/**
 * Step 5 for tsc: the same pieces as the magic-string edits, applied to the AST inside a
 * transformer. User code keeps its original nodes (so tsc's source maps stay exact); generated
 * code is parsed from text and marked synthesized, so later transforms (type stripping, module
 * format, downlevelling of `??=`) treat it as new code.
 */
import type ts from 'typescript';
import type { CompiledFunction, FileCompilation } from '../compile.js';

type TS = typeof import('typescript');

export function applyToAst(
  ts: TS,
  context: ts.TransformationContext,
  sourceFile: ts.SourceFile,
  compilation: FileCompilation,
): ts.SourceFile {
  const f = context.factory;
  const byStatement = new Map<ts.Node, CompiledFunction[]>();
  for (const fn of compilation.functions) {
    const key =
      fn.target.kind === 'function'
        ? fn.target.node
        : fn.target.kind === 'variable'
          ? fn.target.statement
          : fn.target.classNode;
    byStatement.set(key, [...(byStatement.get(key) ?? []), fn]);
  }
  const statements: ts.Statement[] = [];
  let prologue = true;
  for (const statement of sourceFile.statements) {
    if (prologue && !(ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression))) {
      statements.push(...parseStatements(ts, compilation.header));
      prologue = false;
    }
    const fns = byStatement.get(statement);
    if (fns === undefined) statements.push(statement);
    else statements.push(...rewrite(ts, f, fns));
  }
  if (prologue) statements.push(...parseStatements(ts, compilation.header));
  statements.push(...parseStatements(ts, compilation.footer));
  return f.updateSourceFile(sourceFile, statements);
}

function rewrite(ts: TS, f: ts.NodeFactory, fns: CompiledFunction[]): ts.Statement[] {
  const first = fns[0] as CompiledFunction;
  const { target, code } = first;
  if (target.kind === 'function') {
    const node = target.node;
    const wrapper = parseStatements(ts, code.wrapper);
    for (const w of wrapper) {
      ts.setCommentRange(w, node);
      ts.setSourceMapRange(w, node);
    }
    const modifiers = node.modifiers?.filter(
      (m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword,
    );
    const impl = f.updateFunctionDeclaration(
      node,
      modifiers,
      node.asteriskToken,
      f.createIdentifier(code.names.impl),
      node.typeParameters,
      node.parameters,
      node.type,
      node.body,
    );
    ts.setEmitFlags(impl, ts.EmitFlags.NoLeadingComments);
    return [...wrapper, impl, ...parseStatements(ts, code.after)];
  }
  if (target.kind === 'variable') {
    const list = target.statement.declarationList;
    const declaration = list.declarations[0] as ts.VariableDeclaration;
    const wrapper = parseExpression(ts, code.wrapper);
    const updated = f.updateVariableStatement(
      target.statement,
      target.statement.modifiers,
      f.updateVariableDeclarationList(list, [
        f.updateVariableDeclaration(
          declaration,
          declaration.name,
          declaration.exclamationToken,
          declaration.type,
          wrapper,
        ),
      ]),
    );
    const impl = f.createVariableStatement(
      undefined,
      f.createVariableDeclarationList(
        [f.createVariableDeclaration(code.names.impl, undefined, undefined, target.node)],
        ts.NodeFlags.Const,
      ),
    );
    return [updated, impl, ...parseStatements(ts, code.after)];
  }
  const classNode = target.classNode;
  const blocks = fns.map((fn) => parseClassMember(ts, fn.code.wrapper));
  return [
    f.updateClassDeclaration(
      classNode,
      classNode.modifiers,
      classNode.name,
      classNode.typeParameters,
      classNode.heritageClauses,
      [...blocks, ...classNode.members],
    ),
  ];
}

function parse(ts: TS, text: string): ts.SourceFile {
  return ts.createSourceFile('cachet-generated.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function parseStatements(ts: TS, text: string): ts.Statement[] {
  if (text.trim() === '') return [];
  return parse(ts, text).statements.map((s) => synthesize(ts, s));
}

function parseExpression(ts: TS, text: string): ts.Expression {
  const statement = parse(ts, `(${text});`).statements[0] as ts.ExpressionStatement;
  return synthesize(ts, (statement.expression as ts.ParenthesizedExpression).expression);
}

function parseClassMember(ts: TS, text: string): ts.ClassElement {
  const declaration = parse(ts, `class C {\n${text}\n}`).statements[0] as ts.ClassDeclaration;
  return synthesize(ts, declaration.members[0] as ts.ClassElement);
}

/**
 * Marks parsed nodes as synthesized: no positions (so the printer never reads the user's file at
 * them) and no parse-tree identity (so the checker is never asked about them).
 */
function synthesize<T extends ts.Node>(ts: TS, node: T): T {
  const visit = (n: ts.Node): void => {
    (n as { flags: ts.NodeFlags }).flags |= ts.NodeFlags.Synthesized;
    ts.setTextRange(n, { pos: -1, end: -1 });
    (n as { parent?: ts.Node }).parent = undefined;
    ts.forEachChild(n, visit, (nodes) => {
      ts.setTextRange(nodes as unknown as ts.TextRange & ts.NodeArray<ts.Node>, { pos: -1, end: -1 });
      for (const child of nodes) visit(child);
    });
  };
  visit(node);
  return node;
}
