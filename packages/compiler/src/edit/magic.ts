/**
 * Step 5 for bundlers: edits at original offsets with magic-string, never a reprinted file, so
 * the source map is exact for every character of user code.
 */
import MagicString, { type SourceMap } from 'magic-string';
import type ts from 'typescript';
import type { FileCompilation } from '../compile.js';
import { exportModifierRanges, headerOffset } from './positions.js';

export interface EditResult {
  readonly code: string;
  readonly map: SourceMap;
}

export function applyEdits(
  ts: typeof import('typescript'),
  sourceFile: ts.SourceFile,
  compilation: FileCompilation,
): EditResult {
  const s = new MagicString(sourceFile.text);
  for (const { target, code } of compilation.functions) {
    if (target.kind === 'function') {
      const node = target.node;
      s.appendLeft(node.getStart(), code.wrapper);
      for (const [start, end] of exportModifierRanges(ts, node)) s.remove(start, end);
      if (node.name !== undefined) s.overwrite(node.name.getStart(), node.name.end, code.names.impl);
      s.appendLeft(node.end, code.after);
    } else if (target.kind === 'variable') {
      // `const f = WRAPPER;\nconst impl = <original initializer>;`: the initializer stays in place.
      const end = target.statement.end;
      const semicolon = sourceFile.text[end - 1] === ';' ? '' : ';';
      s.appendLeft(target.node.getStart(), `${code.wrapper};\n${code.implDeclaration}`);
      s.appendLeft(end, `${semicolon}${code.after}`);
    } else {
      s.appendLeft(target.classNode.members.pos, `\n  ${code.wrapper}`);
    }
  }
  if (compilation.functions.length > 0) {
    s.appendLeft(headerOffset(ts, sourceFile), compilation.header);
    s.append(compilation.footer);
  }
  return {
    code: s.toString(),
    map: s.generateMap({ source: sourceFile.fileName, includeContent: true, hires: true }),
  };
}
