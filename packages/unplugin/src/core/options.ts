/**
 * The plugin's options, resolved once per plugin instance: nothing reads the raw options after
 * `resolveOptions`.
 */

import { resolve } from 'node:path';
import { buildOptions } from '@cachet/compiler/build-options';
import { type CachetOptions, resolveOptions as resolveCompilerOptions } from '@cachet/compiler/options';
import { assertOptions, type OptionsOf } from '@cachet/runtime/options';
import type { FilterPattern } from 'unplugin';
import { originalPosition } from './original-position.js';

/** The plugin's options, declared once in `@cachet/compiler`'s `build-options.ts`. */
export type Options = OptionsOf<typeof buildOptions, 'plugin'>;

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
  /** esbuild: whether the tagged files are found before the build (`esbuild-load.ts`). */
  readonly prescan: boolean;
}

export const DEFAULT_INCLUDE: readonly RegExp[] = [/\.[cm]?tsx?$/];
export const DEFAULT_EXCLUDE: readonly RegExp[] = [/[\\/]node_modules[\\/]/, /\.d\.[cm]?ts$/, /^\0/];

/**
 * Refuses options the declarations refuse, at the position of the call that gave them (`boundary`
 * is the function the user called; unplugin's own frames below it are passed over).
 */
export function checkPluginOptions(options: unknown, boundary: (...args: never[]) => unknown): void {
  assertOptions(
    {
      schema: buildOptions,
      frontEnd: 'plugin',
      what: 'the cachet() plugin',
      boundary,
      skip: isUnplugin,
      original: originalPosition,
    },
    options,
  );
}

const isUnplugin = (file: string): boolean => /[\\/]node_modules[\\/]unplugin[\\/]/.test(file);

export function resolveOptions(options: Options = {}, cwd: string = process.cwd()): OptionsResolved {
  const checked = resolveCompilerOptions(options, 'plugin');
  const compiler: CachetOptions = {
    verify: checked.verify,
    runtimeModule: checked.runtimeModule,
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
    prescan: options.prescan ?? buildOptions.prescan.default,
  };
}
