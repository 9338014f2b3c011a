/**
 * What identifies the code that produced a transform, besides options and input files: the
 * versions and build times of this package, the compiler and the plugin core (so a rebuilt
 * compiler of the same version, as in a workspace, never serves its predecessor's output), and the
 * TypeScripts the core may analyse with (the project's, and the plugin's own ts-morph). Resolved,
 * never loaded: a warm start loads none of them.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { codeStamp } from '@cachet/compiler/transform-cache';

const require = createRequire(import.meta.url);

export function transformerStamp(): string {
  const core = require.resolve('unplugin-cachet/core');
  const tsMorph = createRequire(core).resolve('ts-morph/package.json');
  const files = [fileURLToPath(import.meta.url), require.resolve('@cachet/compiler'), core];
  return `${codeStamp(files)}\nts-morph ${(require(tsMorph) as { version: string }).version}\n${projectTypeScript()}`;
}

/** The version of the project's own TypeScript, which the core analyses with when it is 5.x or 6.x. */
function projectTypeScript(): string {
  try {
    const manifest = createRequire(`${process.cwd()}/package.json`).resolve('typescript/package.json');
    return `typescript ${(require(manifest) as { version: string }).version}`;
  } catch {
    return 'no typescript';
  }
}
