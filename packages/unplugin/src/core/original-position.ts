/**
 * The position in the file the user wrote, for a call made from compiled code that carries an
 * inline source map: Vite bundles `vite.config.ts` into a temporary `.mjs` (with one) before it
 * runs it, so the stack names that file, not the config.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Position } from '@cachet/runtime/options';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

export function originalPosition(position: Position): Position {
  if (!existsSync(position.file)) return position;
  const inline = INLINE_MAP.exec(readFileSync(position.file, 'utf8'));
  if (inline === null) return position;
  const payload = JSON.parse(Buffer.from(inline[1] as string, 'base64').toString('utf8')) as SourceMapPayload;
  const entry = new SourceMap(payload).findEntry(position.line - 1, position.column - 1);
  if (!('originalSource' in entry)) return position;
  const source = entry.originalSource;
  return {
    file: source.startsWith('file://') ? fileURLToPath(source) : source,
    line: entry.originalLine + 1,
    column: entry.originalColumn + 1,
  };
}
