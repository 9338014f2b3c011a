import type { Cache } from './cache.js';
import type { ExitCode } from './errors.js';
import type { Flags, FlagValues } from './flags.js';
import type { Io } from './io.js';

/** A positional argument: `<fn>` when required, `[fn]` when not. */
export interface Arg {
  readonly name: string;
  readonly required: boolean;
}

/** What a command gets: its parsed arguments, the resolved cache directory, and the io. */
export interface Context<F extends Flags = Flags> {
  readonly io: Io;
  /** The cache directory, resolved (it may not exist). */
  readonly dir: string;
  /** `--json`: print data as JSON, nothing else on stdout. */
  readonly json: boolean;
  readonly positionals: readonly string[];
  /** The command's own options, parsed (defaults applied). */
  readonly options: FlagValues<F>;
}

/** One `cachet` command: its arguments and options (declared once), its help, and what it does. */
export interface Command<F extends Flags = Flags> {
  readonly name: string;
  /** One line for `cachet --help` and the docs' command table. */
  readonly summary: string;
  /** A paragraph (or several, separated by a blank line) for `--help` and the docs; wrapped when printed. */
  readonly description: string;
  readonly args: readonly Arg[];
  readonly options: F;
  /** Groups of options of which exactly one must be given. */
  readonly oneOf?: readonly (readonly (keyof F & string)[])[];
  run(ctx: Context<F>): ExitCode | Promise<ExitCode>;
}

/**
 * Declares a command, typing `run`'s options from the declared ones; the result joins the list of
 * commands, which parses each command line by that command's own declarations.
 */
export function defineCommand<F extends Flags>(command: Command<F>): Command {
  return command as unknown as Command;
}

export type { Cache };
