/**
 * The loader's options, resolved once: from `register(options)` or, for
 * `node --import @cachet/register`, from environment variables. Nothing reads raw options later.
 */
import { dirname, resolve } from 'node:path';
import { buildOptions } from '@cachet/compiler/build-options';
import { type OptionsOf, optionsFromEnvironment } from '@cachet/runtime/options';
import { nearest } from './nearest.js';

/**
 * The loader's options: the build options `register()` accepts, declared once in
 * `@cachet/compiler/build-options`. The environment variables of `node --import
 * @cachet/register` give some of them (see `optionsFromEnv`).
 */
export type RegisterOptions = OptionsOf<typeof buildOptions, 'register'>;

/** Plain data: it crosses to the hooks thread when `module.register` is used. */
export interface RegisterOptionsResolved {
  readonly tsconfig: string | undefined;
  readonly defaults: NonNullable<RegisterOptions['defaults']>;
  readonly verify: boolean;
  readonly strict: boolean;
  readonly warnings: RegisterOptions['warnings'];
  readonly stores: RegisterOptions['stores'];
  readonly runtimeModule: RegisterOptions['runtimeModule'];
  /** An absolute directory, or undefined for no persistent cache. */
  readonly cacheDir: string | undefined;
}

export function resolveRegisterOptions(options: RegisterOptions, cwd: string): RegisterOptionsResolved {
  return {
    tsconfig: options.tsconfig === undefined ? undefined : resolve(cwd, options.tsconfig),
    defaults: options.defaults ?? {},
    verify: options.verify ?? buildOptions.verify.default,
    strict: options.strict ?? buildOptions.strict.default,
    warnings: options.warnings,
    stores: options.stores,
    runtimeModule: options.runtimeModule,
    cacheDir:
      options.cacheDir === false
        ? undefined
        : resolve(cwd, options.cacheDir ?? `${packageDirOf(cwd)}/node_modules/.cache/cachet/register`),
  };
}

/**
 * The options `node --import @cachet/register` takes from the environment: the variables the
 * build options declare (`env` in `@cachet/compiler/build-options`). A bad value throws the
 * contract's `CachetOptionError`, naming the variable.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): RegisterOptions {
  return optionsFromEnvironment(buildOptions, 'register', env) as RegisterOptions;
}

/** The nearest directory at or above `dir` holding a package.json; `dir` itself when none does. */
function packageDirOf(dir: string): string {
  const found = nearest(resolve(dir), 'package.json');
  return found === undefined ? resolve(dir) : dirname(found);
}
