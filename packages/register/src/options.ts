/**
 * The loader's options, resolved once: from `register(options)` or, for
 * `node --import @cachet/register`, from environment variables. Nothing reads raw options later.
 */
import { dirname, resolve } from 'node:path';
import type { AnnotationDefaults } from '@cachet/compiler';
import { nearest } from './nearest.js';

/** Options of `register()`: the tsconfig, annotation defaults, verify, strict and the transform cache directory. */
export interface RegisterOptions {
  /**
   * The tsconfig.json the type analysis uses, relative to the working directory.
   * Environment: `CACHET_TSCONFIG`.
   * @default the nearest tsconfig.json of each file
   */
  readonly tsconfig?: string;
  /**
   * What an annotation that leaves out `ttl`, `storage` or `version` gets (as in the bundler
   * plugin); the annotation's own options win. Environment: `CACHET_DEFAULTS` (JSON).
   * @default {}
   */
  readonly defaults?: AnnotationDefaults;
  /**
   * Compiled functions run in verify mode (both keys computed, disagreements reported).
   * Environment: `CACHET_VERIFY=1`.
   * @default false
   */
  readonly verify?: boolean;
  /**
   * Warnings stop the process like errors. Environment: `CACHET_STRICT=1`.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Where transformed files are kept between runs; `false` keeps nothing.
   * Environment: `CACHET_TRANSFORM_CACHE` (a directory, or `0` for none).
   * @default node_modules/.cache/cachet/register in the nearest directory with a package.json
   */
  readonly cacheDir?: string | false;
}

/** Plain data: it crosses to the hooks thread when `module.register` is used. */
export interface RegisterOptionsResolved {
  readonly tsconfig: string | undefined;
  readonly defaults: AnnotationDefaults;
  readonly verify: boolean;
  readonly strict: boolean;
  /** An absolute directory, or undefined for no persistent cache. */
  readonly cacheDir: string | undefined;
}

export function resolveRegisterOptions(options: RegisterOptions, cwd: string): RegisterOptionsResolved {
  return {
    tsconfig: options.tsconfig === undefined ? undefined : resolve(cwd, options.tsconfig),
    defaults: options.defaults ?? {},
    verify: options.verify === true,
    strict: options.strict === true,
    cacheDir:
      options.cacheDir === false
        ? undefined
        : resolve(cwd, options.cacheDir ?? `${packageDirOf(cwd)}/node_modules/.cache/cachet/register`),
  };
}

/** The options `node --import @cachet/register` takes from the environment. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): RegisterOptions {
  const flag = (value: string | undefined): boolean => value === '1' || value === 'true';
  const cache = env.CACHET_TRANSFORM_CACHE;
  return {
    ...(env.CACHET_TSCONFIG ? { tsconfig: env.CACHET_TSCONFIG } : {}),
    ...(env.CACHET_DEFAULTS ? { defaults: parseDefaults(env.CACHET_DEFAULTS) } : {}),
    verify: flag(env.CACHET_VERIFY),
    strict: flag(env.CACHET_STRICT),
    ...(cache === undefined || cache === '' ? {} : { cacheDir: cache === '0' || cache === 'false' ? false : cache }),
  };
}

function parseDefaults(text: string): AnnotationDefaults {
  try {
    return JSON.parse(text) as AnnotationDefaults;
  } catch (error) {
    throw new Error(`@cachet/register: CACHET_DEFAULTS is not JSON: ${(error as Error).message}`);
  }
}

/** The nearest directory at or above `dir` holding a package.json; `dir` itself when none does. */
function packageDirOf(dir: string): string {
  const found = nearest(resolve(dir), 'package.json');
  return found === undefined ? resolve(dir) : dirname(found);
}
