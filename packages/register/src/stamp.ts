/**
 * What identifies the code that produced a transform, besides options and input files: the
 * versions of this package, the compiler, the plugin core and the TypeScript it analyses with,
 * and the newest build time of the compiler's and core's files (so a rebuilt compiler of the
 * same version, as in a workspace, never serves its predecessor's output).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { nearest } from './nearest.js';

const require = createRequire(import.meta.url);

export function transformerStamp(): string {
  const compiler = require.resolve('@cachet/compiler');
  const core = require.resolve('unplugin-cachet/core');
  const tsMorph = createRequire(core).resolve('ts-morph');
  const parts = [
    `register ${versionAt(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname))}`,
    `compiler ${versionAt(dirname(compiler))} ${newestMtime(dirname(compiler))}`,
    `core ${versionAt(dirname(core))} ${newestMtime(join(dirname(core), 'core'))} ${statSync(core).mtimeMs}`,
    `ts-morph ${versionAt(dirname(tsMorph))}`,
  ];
  return parts.join('\n');
}

/** The version in the nearest package.json at or above `dir`. */
function versionAt(dir: string): string {
  const file = nearest(dir, 'package.json');
  if (file === undefined) return '?';
  return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
