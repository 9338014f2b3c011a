/**
 * The plugin's options, resolved once per plugin instance: nothing reads the raw options after
 * `resolveOptions`.
 */

import { resolve } from 'node:path';
import {
  type AnnotationDefaults,
  type CachetOptions,
  resolveOptions as resolveCompilerOptions,
  type WarningPolicy,
} from '@cachet/compiler';
import type { FilterPattern } from 'unplugin';

/** The plugin's options, the same for every bundler. */
export interface Options {
  /**
   * Files to transform (regular expressions, or globs against absolute paths). A file must also
   * contain `@cached` to be looked at; others cost one string search.
   * @default [/\.[cm]?tsx?$/]
   */
  readonly include?: FilterPattern;
  /**
   * Files never transformed.
   * @default [/[\\/]node_modules[\\/]/, /\.d\.[cm]?ts$/, /^\0/]
   */
  readonly exclude?: FilterPattern;
  /**
   * The tsconfig.json whose compiler options and files the type analysis uses, relative to the
   * working directory. Without it, each file uses the nearest `tsconfig.json` above it, and files
   * with none get TypeScript's default options. One language service is kept per tsconfig.
   * @default the nearest tsconfig.json of each file
   */
  readonly tsconfig?: string;
  /**
   * What an annotation that leaves out `ttl`, `storage` or `version` gets; the annotation's own
   * options win. `version: 'auto'` hashes each function's source.
   * @default {} (forever; tiered on Node, memory in browsers; no version)
   */
  readonly defaults?: AnnotationDefaults;
  /**
   * Compiled functions run in verify mode: each call also computes the reflective key and reports
   * calls where the generated and reflective keys disagree. For tests and staging.
   * @default false
   */
  readonly verify?: boolean;
  /**
   * What warnings do: `'warn'` reports them and the build succeeds, `'error'` fails it, `'off'`
   * hides them; or per code: `{ default: 'error', CACHET_W_REFLECTIVE: 'off' }`. The same option
   * as the tsconfig plugin entry's.
   * @default 'warn'
   */
  readonly warnings?: WarningPolicy;
  /**
   * The store names the application registers with `configure({ stores })`: a `storage=` naming
   * another store is then a build error at its line. Without it, any store name that is not built
   * in is a warning (`CACHET_W_UNDECLARED_STORE`).
   * @default undefined
   */
  readonly stores?: readonly string[];
  /**
   * Shorthand for `warnings: 'error'` (when `warnings` is not given).
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Where transformed files are kept between builds (relative to the working directory), or
   * `false` for no persistent cache. A kept result is used only while the file, every file whose
   * types shaped it, its tsconfig, the options and the versions of Cachet and TypeScript are
   * unchanged; deleting the directory is always safe.
   * @default Vite's `cacheDir` + `/cachet` under Vite, else `node_modules/.cache/cachet`
   */
  readonly cacheDir?: string | false;
}

export interface OptionsResolved {
  readonly include: FilterPattern;
  readonly exclude: FilterPattern;
  /** An absolute path, or undefined for the nearest tsconfig.json of each file. */
  readonly tsconfig: string | undefined;
  /** What the compiler is created with. */
  readonly compiler: CachetOptions;
  /** A stable text of everything above, part of every cache key. */
  readonly fingerprint: string;
  /** An absolute path, or undefined for no persistent cache. */
  readonly cacheDir: string | undefined;
  /** Whether the user chose `cacheDir` (a bundler's own cache directory is then not used). */
  readonly cacheDirSet: boolean;
}

export const DEFAULT_INCLUDE: readonly RegExp[] = [/\.[cm]?tsx?$/];
export const DEFAULT_EXCLUDE: readonly RegExp[] = [/[\\/]node_modules[\\/]/, /\.d\.[cm]?ts$/, /^\0/];

export function resolveOptions(options: Options = {}, cwd: string = process.cwd()): OptionsResolved {
  const warnings = options.warnings ?? (options.strict === true ? 'error' : 'warn');
  const checked = resolveCompilerOptions({ defaults: options.defaults ?? {}, warnings, stores: options.stores });
  const compiler: CachetOptions = {
    verify: options.verify === true,
    defaults: checked.defaults,
    warnings: checked.warnings,
    ...(checked.stores === undefined ? {} : { stores: checked.stores }),
  };
  const resolved = {
    include: options.include ?? [...DEFAULT_INCLUDE],
    exclude: options.exclude ?? [...DEFAULT_EXCLUDE],
    tsconfig: options.tsconfig === undefined ? undefined : resolve(cwd, options.tsconfig).replace(/\\/g, '/'),
    compiler,
  };
  const cacheDir =
    options.cacheDir === false
      ? undefined
      : resolve(cwd, options.cacheDir ?? 'node_modules/.cache/cachet').replace(/\\/g, '/');
  return {
    ...resolved,
    fingerprint: JSON.stringify({ ...resolved, include: undefined, exclude: undefined }),
    cacheDir,
    cacheDirSet: options.cacheDir !== undefined,
  };
}
