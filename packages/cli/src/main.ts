import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cacheDir } from './cache.js';
import type { Command, OptionSpecs } from './command.js';
import { clearCommand } from './commands/clear.js';
import { gcCommand } from './commands/gc.js';
import { listCommand } from './commands/list.js';
import { pruneCommand } from './commands/prune.js';
import { serveCommand } from './commands/serve.js';
import { showCommand } from './commands/show.js';
import { statsCommand } from './commands/stats.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import type { Io } from './io.js';

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

const common: OptionSpecs = {
  dir: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

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
    io.stdout.write(command === undefined ? globalHelp() : commandHelp(command));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return fail(io, unknownCommand(name));
  try {
    const { values, positionals } = parse(command, rest);
    if (values.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const dir = cacheDir(io, typeof values.dir === 'string' ? values.dir : undefined);
    return await command.run({ io, dir, json: values.json === true, positionals, values });
  } catch (error) {
    return fail(io, error, command);
  }
}

function parse(command: Command, args: readonly string[]) {
  const options: OptionSpecs = { ...common, ...command.options };
  if (!command.json) delete options.json;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(parseError(error as Error & { code?: string }), EXIT.usage);
  }
  const { positionals, values } = parsed;
  if (values.help !== true) {
    const { min, max } = command.positionals;
    if (positionals.length < min) throw new CliError(`missing argument: ${command.usage}`, EXIT.usage);
    if (positionals.length > max)
      throw new CliError(`unexpected argument "${positionals[max]}": ${command.usage}`, EXIT.usage);
  }
  return { positionals, values: values as Record<string, string | boolean | undefined> };
}

/** node:util's parseArgs messages, shortened. */
function parseError(error: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option ${option}`;
  return error.message.split('. ')[0] ?? error.message;
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

function globalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'cachet: inspect and maintain a Cachet cache directory',
    '',
    'usage: cachet <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'options of every command:',
    ...commonHelp(true),
    '',
    "cachet <command> --help shows a command's options. Exit codes: 0 done, 1 failed,",
    '2 bad command line, 3 no cache at the directory, 4 nothing matched (show).',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const lines = [...command.optionHelp, ...commonLines(command.json)];
  const width = Math.max(...lines.map(([flag]) => flag.length));
  return [
    `usage: ${command.usage}`,
    '',
    command.description,
    '',
    'options:',
    ...lines.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    '',
  ].join('\n');
}

function commonLines(json: boolean): [string, string][] {
  return [
    ['--dir <path>', 'the cache directory (default: $CACHET_DIR, else ./.cachet)'],
    ...(json ? [['--json', 'print the data as JSON'] as [string, string]] : []),
    ['-h, --help', 'show this help'],
  ];
}

function commonHelp(json: boolean): string[] {
  const lines = commonLines(json).map(([flag, text]) => [
    flag,
    json && flag === '--json' ? `${text} (where output is data)` : text,
  ]);
  const width = Math.max(...lines.map(([flag]) => (flag as string).length));
  return lines.map(([flag, text]) => `  ${(flag as string).padEnd(width)}  ${text}`);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
