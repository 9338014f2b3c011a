import { readFileSync } from 'node:fs';
import type { Command } from './command.js';
import { clearCommand } from './commands/clear.js';
import { gcCommand } from './commands/gc.js';
import { listCommand } from './commands/list.js';
import { pruneCommand } from './commands/prune.js';
import { serveCommand } from './commands/serve.js';
import { showCommand } from './commands/show.js';
import { statsCommand } from './commands/stats.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import { commandHelp, globalHelp } from './help.js';
import type { Io } from './io.js';
import { parseCommandLine } from './parse.js';

/** Every command, in the order `cachet --help` lists them. */
export const commands: readonly Command[] = [
  statsCommand,
  listCommand,
  showCommand,
  clearCommand,
  gcCommand,
  pruneCommand,
  serveCommand,
];

/**
 * Runs `cachet` with `argv` (the arguments after the command name) and returns the exit code.
 * Errors are reported on stderr as one line; nothing is thrown.
 */
export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic === undefined ? undefined : commands.find((c) => c.name === topic);
    if (topic !== undefined && command === undefined) return fail(io, unknownCommand(topic));
    io.stdout.write(command === undefined ? globalHelp(commands) : commandHelp(command));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return fail(io, unknownCommand(name));
  try {
    const { help, ...parsed } = parseCommandLine(command, rest, io);
    if (help) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run({ io, ...parsed });
  } catch (error) {
    return fail(io, error, command);
  }
}

function fail(io: Io, error: unknown, command?: Command): ExitCode {
  if (error instanceof CliError) {
    const hint = error.exitCode === EXIT.usage ? ` (see cachet ${command?.name ?? ''}${command ? ' ' : ''}--help)` : '';
    io.stderr.write(`cachet: ${error.message}${hint}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`cachet${command ? ` ${command.name}` : ''}: failed: ${message}\n`);
  return EXIT.failed;
}

function unknownCommand(name: string): CliError {
  return new CliError(`unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}`, EXIT.usage);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
