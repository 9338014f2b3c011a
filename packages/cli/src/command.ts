import type { ParseArgsConfig } from 'node:util';
import type { Cache } from './cache.js';
import type { ExitCode } from './errors.js';
import type { Io } from './io.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** What a command gets: its parsed arguments, the resolved cache directory, and the io. */
export interface Context {
  readonly io: Io;
  /** The cache directory, resolved (it may not exist). */
  readonly dir: string;
  /** `--json`: print data as JSON, nothing else on stdout. */
  readonly json: boolean;
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

/** One `cachet` command: its arguments, its help, and what it does. */
export interface Command {
  readonly name: string;
  /** One line for `cachet --help`. */
  readonly summary: string;
  /** `cachet list [fn] [options]`. */
  readonly usage: string;
  /** Longer help, after the usage line. */
  readonly description: string;
  readonly options: OptionSpecs;
  /** Help lines for the command's own options: flag and text. */
  readonly optionHelp: readonly (readonly [string, string])[];
  readonly positionals: { readonly min: number; readonly max: number };
  /** Whether `--json` applies (output is data). */
  readonly json: boolean;
  run(ctx: Context): ExitCode | Promise<ExitCode>;
}

/** The value of a string option, or undefined. */
export function stringOption(ctx: Context, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}

export type { Cache };
