/** Exit codes of `cachet`, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** The operation failed (the database could not be read or written, the port was taken, ...). */
  failed: 1,
  /** The command line was wrong: unknown command or option, a bad value. */
  usage: 2,
  /** No cache at the directory (no `cache.db`). */
  noCache: 3,
  /** `show` found no entry matching. */
  notFound: 4,
} as const;

/** The exit codes of `cachet` (see `EXIT`). */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line, with its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);
