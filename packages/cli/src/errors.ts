/** Exit codes of `cachet`; `EXIT_MEANINGS` says what each means, in help and docs. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  noCache: 3,
  notFound: 4,
} as const;

/** The exit codes of `cachet` (see `EXIT`). */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, as `cachet --help` and docs/cli.md say it. */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  [EXIT.ok]: 'done',
  [EXIT.failed]: 'failed: the database could not be read or written, the port is taken, ...',
  [EXIT.usage]: 'bad command line: unknown command or option, a bad value, a missing argument',
  [EXIT.noCache]: 'no cache at the directory (no cache.db there)',
  [EXIT.notFound]: '`show` found no entry matching',
};

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
