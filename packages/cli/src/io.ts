/** Where a command writes, and what it knows of its surroundings: the real process, or a test's. */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The clock (ms). */
  readonly now: () => number;
  /** Resolves when the user asks a long-running command (`serve`) to stop (Ctrl-C). */
  waitForStop(): Promise<void>;
}

/** A stream a command writes to; `isTTY` decides colours of progress lines. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** The running process's streams, environment and signals. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
    waitForStop: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}
