/**
 * The TypeScript the plugin analyses with: ts-morph's bundled compiler, whatever TypeScript the
 * user installed (TypeScript 7's native compiler has no JS API). Loaded on the first file that
 * holds a tag, so builds without one never pay for it.
 */
import { createRequire } from 'node:module';

export type TS = typeof import('typescript');

export interface Analyser {
  readonly ts: TS;
  /** Where the bundled lib files appear to live (they are served from memory). */
  readonly libDir: string;
  /** lib.*.d.ts by file name. */
  readonly libFiles: ReadonlyMap<string, string>;
}

/** A directory no project has; the path ends like TypeScript's own lib folder. */
const LIB_DIR = '/__cachet__/node_modules/typescript/lib';

export function loadAnalyser(): Analyser {
  const require = createRequire(import.meta.url);
  const { ts } = require('ts-morph') as { ts: TS };
  // ts-morph keeps the lib files in its own dependency, as text.
  const common = createRequire(require.resolve('ts-morph'))('@ts-morph/common') as {
    getLibFiles(): { fileName: string; text: string }[];
  };
  const libFiles = new Map(common.getLibFiles().map((f) => [`${LIB_DIR}/${f.fileName}`, f.text]));
  return { ts, libDir: LIB_DIR, libFiles };
}
