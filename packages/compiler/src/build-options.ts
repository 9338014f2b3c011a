/**
 * The build's options, declared once for every build front end: the bundler plugin
 * (`cachet({...})`), the tsconfig plugin entry (beside `"transform"`) and `register({...})`.
 * Kinds, defaults and the doc text work as in `@cachet/runtime/options`, which declares the tag's
 * options and the `defaults` fields this shares with `configure()`. `env` names the environment
 * variable `node --import @cachet/register` reads the option from (JSON for `defaults`, `1`/`true`
 * or `0`/`false` for a boolean, `0`/`false` for no `cacheDir`).
 */
import { defaultsOptions } from '@cachet/runtime/options';
import { warningCodes } from './diagnostics.js';

/** Every build option: its kind, default, doc text and the build front ends that take it. */
export const buildOptions = {
  /**
   * What an annotation that leaves out `ttl`, `storage` or `version` gets, e.g.
   * `{ storage: 'memory' }`; the annotation's own options win.
   * @default `{}` (the runtime's defaults)
   */
  defaults: {
    kind: 'object',
    fields: defaultsOptions as typeof defaultsOptions,
    frontEnds: ['plugin', 'tsconfig', 'register'],
    env: 'CACHET_DEFAULTS',
  },
  /**
   * Compiled functions run in verify mode: each call also computes the reflective key and
   * reports calls where the two keys disagree (`CACHET_VERIFY=1` at run time does the same
   * without recompiling).
   */
  verify: { kind: 'boolean', default: false, frontEnds: ['plugin', 'tsconfig', 'register'], env: 'CACHET_VERIFY' },
  /**
   * What warnings do: `'warn'` reports them and the build succeeds, `'error'` fails it, `'off'`
   * hides them; or per code, `{ default: 'error', CACHET_W_REFLECTIVE: 'off' }`. Errors are
   * always errors.
   */
  warnings: {
    kind: 'level',
    values: ['warn', 'error', 'off'],
    keys: warningCodes as readonly string[],
    default: 'warn',
    frontEnds: ['plugin', 'tsconfig', 'register'],
  },
  /** Shorthand for `warnings: 'error'`, when `warnings` is not given. */
  strict: { kind: 'boolean', default: false, frontEnds: ['plugin', 'tsconfig', 'register'], env: 'CACHET_STRICT' },
  /**
   * The store names the application registers with `configure({ stores })`: a `storage=`
   * naming another store is then a build error (`CACHET_E_UNKNOWN_STORE`) at its line. Without
   * it, a name that is not built in is a warning (`CACHET_W_UNDECLARED_STORE`), and
   * `configure({ stores })` refuses it at start-up if the application does not register it.
   * @default not declared
   */
  stores: { kind: 'names', frontEnds: ['plugin', 'tsconfig', 'register'] },
  /** Where generated code imports the runtime from. */
  runtimeModule: { kind: 'text', default: '@cachet/runtime/internal', frontEnds: ['plugin', 'tsconfig', 'register'] },
  /**
   * The tsconfig.json whose compiler options and files the type analysis uses, relative to the
   * working directory.
   * @default the nearest `tsconfig.json` of each file
   */
  tsconfig: { kind: 'text', frontEnds: ['plugin', 'register'], env: 'CACHET_TSCONFIG' },
  /**
   * Files to transform (regular expressions, or globs against absolute paths). A file must also
   * contain `@cached` to be looked at; others cost one string search.
   * @default `[/\.[cm]?tsx?$/]`
   */
  include: { kind: 'pattern', frontEnds: ['plugin'] },
  /**
   * Files never transformed.
   * @default `node_modules`, `.d.ts` files and virtual (`\0`) modules
   */
  exclude: { kind: 'pattern', frontEnds: ['plugin'] },
  /**
   * esbuild: find the files holding `@cached` before the build (a walk of the directory that holds
   * the entry points, kept up to date by an index in `cacheDir`), so only they cross from esbuild
   * to the plugin. `false`: every TypeScript file crosses and the plugin searches its text.
   */
  prescan: { kind: 'boolean', default: true, frontEnds: ['plugin'] },
  /**
   * Where transformed files are kept between builds (relative to the working directory), or
   * `false` for none. A kept result is used only while everything that shaped it is unchanged;
   * deleting the directory is always safe.
   * @default the bundler's cache directory + `/cachet` (Vite), else `node_modules/.cache/cachet`; for `register()`, `node_modules/.cache/cachet/register` beside the nearest package.json
   */
  cacheDir: { kind: 'directory', frontEnds: ['plugin', 'register'], env: 'CACHET_TRANSFORM_CACHE' },
} as const;
