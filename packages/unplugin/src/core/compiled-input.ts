/**
 * Recognises JavaScript compiled from a tagged TypeScript file by a plugin that ran before Cachet.
 * The types the keys are derived from are gone then: every parameter would be `any`, keyed by the
 * reflective encoder, with warnings at lines of the emitted JavaScript. Cachet reports it instead
 * (`CACHET_E_COMPILED_INPUT`, at the tag in the source), with the fix.
 *
 * The test is cheap where it matters: the bundler's code is compared with the file on disk, and
 * only when they differ are both parsed, to see whether the source has type syntax the code lost
 * (another plugin that edits the TypeScript and keeps its types passes). A tag in a JavaScript file
 * an `include` option let through is refused the same way (`javascriptInput`).
 */
import { readFileSync } from 'node:fs';
import type { CachetDiagnostic } from '@cachet/compiler';
import type ts from 'typescript';
import type { TS } from './typescript.js';

const TYPESCRIPT = /\.[cm]?tsx?$/;

/** Whether the compiler's program cannot hold `fileName`: anything not TypeScript by its name. */
export function isJavaScript(fileName: string): boolean {
  return !TYPESCRIPT.test(fileName);
}
const TAG = '@cached';

/** The error for `code`, the bundler's text of `fileName`, or undefined when it is the source. */
export function compiledInput(ts: TS, fileName: string, code: string): CachetDiagnostic | undefined {
  if (isJavaScript(fileName)) return undefined;
  const source = readSource(fileName);
  if (source === undefined || source === code) return undefined;
  const tag = source.indexOf(TAG);
  if (tag === -1) return undefined;
  const sourceFile = parse(ts, fileName, source);
  if (hasTypeSyntax(ts, parse(ts, fileName, code)) || !hasTypeSyntax(ts, sourceFile)) return undefined;
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(tag);
  return {
    code: 'CACHET_E_COMPILED_INPUT',
    category: 'error',
    message:
      'unplugin-cachet was given JavaScript compiled from this TypeScript file by a plugin that ran before it: the parameter types its keys are derived from are gone.',
    hint: 'let Cachet see the TypeScript source: compile TypeScript in a transform hook or a loader (Cachet runs before those), or use @rollup/plugin-typescript, the one that compiles in load which Cachet knows (it loads tagged files itself then); see "Plugin order" in docs/bundlers.md.',
    fileName,
    start: tag,
    length: TAG.length,
    line: line + 1,
    column: character + 1,
    lineText: source.split(/\r?\n/, line + 1)[line] ?? '',
  };
}

/**
 * The error for a tagged function in a JavaScript file (one an `include` option let through): it
 * has no parameter types to derive keys from, and the compiler's program holds TypeScript files
 * only. Undefined for TypeScript files and for JavaScript whose JSDoc has no `@cached` tag.
 */
export function javascriptInput(ts: TS, fileName: string, code: string): CachetDiagnostic | undefined {
  if (!isJavaScript(fileName)) return undefined;
  const kind = fileName.endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
  const sourceFile = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, kind);
  const findTag = (node: ts.Node): ts.JSDocTag | undefined =>
    ts.getJSDocTags(node).find((tag) => tag.tagName.text === 'cached') ?? ts.forEachChild(node, findTag);
  const tag = ts.forEachChild(sourceFile, findTag);
  if (tag === undefined) return undefined;
  const start = tag.tagName.getStart(sourceFile) - 1; // the tag's `@`
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
  return {
    code: 'CACHET_E_UNSUPPORTED',
    category: 'error',
    message: '@cached marks a function in a JavaScript file: Cachet derives its keys from TypeScript parameter types.',
    hint: 'move the function to a .ts file, or leave this file out of the include option.',
    fileName,
    start,
    length: TAG.length,
    line: line + 1,
    column: character + 1,
    lineText: code.split(/\r?\n/, line + 1)[line] ?? '',
  };
}

/** The file's text on disk; undefined for a module that is not a file (a virtual module). */
function readSource(fileName: string): string | undefined {
  try {
    return readFileSync(fileName, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parse(ts: TS, fileName: string, text: string): ts.SourceFile {
  const kind = fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
}

/**
 * Whether the file has any type syntax: an annotation, an interface or alias, an assertion. A
 * class's `extends` clause parses as a type node in JavaScript too, so it does not count.
 */
function hasTypeSyntax(ts: TS, sourceFile: ts.SourceFile): boolean {
  const visit = (node: ts.Node): boolean =>
    (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isNonNullExpression(node) ||
    ts.forEachChild(node, visit) === true;
  return ts.forEachChild(sourceFile, visit) === true;
}
