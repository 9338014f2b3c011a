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
export const LIB_DIR = '/__cachet__/node_modules/typescript/lib';

let version: string | undefined;

/**
 * Which TypeScript the analysis uses, without loading it (a package.json read): part of every
 * persistent cache key, so a new TypeScript never reuses results of the old one.
 */
export function analyserVersion(): string {
  if (version === undefined) {
    const tsMorph = createRequire(import.meta.url).resolve('ts-morph');
    const common = createRequire(tsMorph)('@ts-morph/common/package.json') as { version: string };
    version = `@ts-morph/common@${common.version}`;
  }
  return version;
}

let loaded: Analyser | undefined;

/** The analysis TypeScript, loaded once per process. */
export function loadAnalyser(): Analyser {
  loaded ??= load();
  return loaded;
}

function load(): Analyser {
  // ts-morph's \`ts\` and lib files live in its own dependency, @ts-morph/common (resolved from
  // ts-morph, wherever the package manager put it). Loading that alone skips ts-morph's AST
  // wrappers, which the plugin does not use: about 200 ms less on a cold start.
  const tsMorph = createRequire(import.meta.url).resolve('ts-morph');
  const common = createRequire(tsMorph)('@ts-morph/common') as {
    ts: TS;
    getLibFiles(): { fileName: string; text: string }[];
  };
  const libFiles = new Map(common.getLibFiles().map((f) => [`${LIB_DIR}/${f.fileName}`, f.text]));
  return { ts: common.ts, libDir: LIB_DIR, libFiles };
}
