/** Where the front ends put generated code, in original offsets. */
import type ts from 'typescript';

/** After the shebang and the directive prologue (`'use client'` must stay first). */
export function headerOffset(ts: typeof import('typescript'), sourceFile: ts.SourceFile): number {
  let offset = 0;
  for (const statement of sourceFile.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) break;
    offset = statement.end;
  }
  if (offset === 0 && sourceFile.text.startsWith('#!')) {
    const lineEnd = sourceFile.text.indexOf('\n');
    offset = lineEnd === -1 ? sourceFile.text.length : lineEnd + 1;
  }
  return offset;
}

/** Ranges of `export` and `default` modifiers, to drop from a renamed declaration. */
export function exportModifierRanges(
  ts: typeof import('typescript'),
  node: ts.FunctionDeclaration,
): [number, number][] {
  const modifiers = node.modifiers ?? [];
  const ranges: [number, number][] = [];
  modifiers.forEach((modifier, i) => {
    if (modifier.kind !== ts.SyntaxKind.ExportKeyword && modifier.kind !== ts.SyntaxKind.DefaultKeyword) return;
    const next = modifiers[i + 1];
    ranges.push([modifier.getStart(), next === undefined ? functionKeywordStart(ts, node) : next.getStart()]);
  });
  return ranges;
}

function functionKeywordStart(ts: typeof import('typescript'), node: ts.FunctionDeclaration): number {
  const keyword = node.getChildren().find((child) => child.kind === ts.SyntaxKind.FunctionKeyword);
  return keyword === undefined ? node.getStart() : keyword.getStart();
}
