/**
 * A function's identity and version: `<path relative to the nearest package.json>#<name>`, the
 * same whichever build tool produced the code, and `version=auto`'s hash of its source text.
 */
import { createHash } from 'node:crypto';
import type ts from 'typescript';

/** Looks files up on disk; ts.sys by default, a bundler may pass its own. */
export interface FileHost {
  fileExists(path: string): boolean;
}

/** The file's path relative to the directory of its nearest package.json, with `/` separators. */
export function packageRelativePath(host: FileHost, fileName: string, cache: Map<string, string>): string {
  const normalized = fileName.replace(/\\/g, '/');
  const dir = normalized.slice(0, normalized.lastIndexOf('/'));
  let root = cache.get(dir);
  if (root === undefined) {
    root = findPackageRoot(host, dir) ?? dir;
    cache.set(dir, root);
  }
  return normalized.slice(root.length + 1);
}

function findPackageRoot(host: FileHost, start: string): string | undefined {
  for (let dir = start; ; ) {
    if (host.fileExists(`${dir}/package.json`)) return dir;
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    if (parent === dir || parent === '' || dir.lastIndexOf('/') === -1) return undefined;
    dir = parent;
  }
}

/**
 * `version=auto`: a hash of the function's own tokens, so edits to comments or whitespace keep
 * the version and any other edit changes it.
 */
export function sourceVersion(ts: typeof import('typescript'), node: ts.Node): string {
  const text = node.getText();
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const hash = createHash('sha256');
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    hash.update(scanner.getTokenText());
    hash.update('\u0000');
  }
  return hash.digest('hex').slice(0, 12);
}
