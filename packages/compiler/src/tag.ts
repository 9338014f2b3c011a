/**
 * Reads the `@cached` tag from a node's leading comments. The comment text itself is scanned:
 * since TypeScript 5.3, tsc skips JSDoc parsing in .ts files, so `getJSDocTags` may see nothing.
 */
import type ts from 'typescript';

/** The tag as written: where `@cached` is, and the option text after it on the same line. */
export interface Tag {
  /** Offset of `@cached` in the file. */
  readonly start: number;
  /** Offset of the comment holding it (the key that tells one tag from another). */
  readonly commentStart: number;
  /** The rest of the line after `@cached`, up to the end of the comment. */
  readonly options: string;
  /** Offset of `options` in the file. */
  readonly optionsStart: number;
}

const TAG = /(^|[\s*/])@cached(?=[\s*]|$)/;

/** The `@cached` tag in the comments right before `node`, if any. */
export function readTag(ts: typeof import('typescript'), text: string, node: ts.Node): Tag | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.pos);
  if (ranges === undefined) return undefined;
  for (const range of ranges) {
    const comment = text.slice(range.pos, range.end);
    const match = TAG.exec(comment);
    if (match === null) continue;
    const start = range.pos + match.index + (match[1] as string).length;
    const after = start + '@cached'.length;
    const lineEnd = comment.slice(after - range.pos).search(/\r?\n|\*\/|$/);
    const options = text.slice(after, after + lineEnd);
    return { start, commentStart: range.pos, options, optionsStart: after };
  }
  return undefined;
}

/** A cheap test before any parsing: can this file hold a tag at all? */
export function mayHaveTag(code: string): boolean {
  return code.includes('@cached');
}
