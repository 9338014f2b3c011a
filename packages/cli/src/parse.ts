/** A command line, parsed by the declarations of the command's options (`flags.ts`). */
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { usageError } from './errors.js';
import { commonFlags, type Flags } from './flags.js';
import { usage } from './help.js';
import type { Io } from './io.js';

/** What `parseCommandLine` found: `help` when `--help` was given (nothing else is checked then). */
export interface Parsed {
  readonly help: boolean;
  readonly dir: string;
  readonly json: boolean;
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** Parses `args` for `command`; a wrong command line is a usage error (exit code 2). */
export function parseCommandLine(command: Command, args: readonly string[], io: Io): Parsed {
  const flags: Flags = { ...commonFlags, ...command.options };
  const specs = Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [
      name,
      { type: flag.type, ...(flag.short === undefined ? {} : { short: flag.short }) },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: specs, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(parseError(error as Error & { code?: string }));
  }
  const { positionals, values } = parsed;
  const given = values as Record<string, string | boolean | undefined>;
  if (given.help === true) return { help: true, dir: '', json: false, positionals, options: {} };
  checkPositionals(command, positionals);
  for (const group of command.oneOf ?? []) {
    if (group.filter((name) => given[name] !== undefined).length !== 1)
      throw usageError(
        `${command.name} needs one of ${group.map((name) => `--${name} ${flags[name]?.value}`).join(' or ')}`,
      );
  }
  const value = (name: string): unknown => flags[name]?.parse(given[name], name, io);
  return {
    help: false,
    dir: value('dir') as string,
    json: value('json') as boolean,
    positionals,
    options: Object.fromEntries(Object.keys(command.options).map((name) => [name, value(name)])),
  };
}

function checkPositionals(command: Command, positionals: readonly string[]): void {
  const min = command.args.filter((arg) => arg.required).length;
  const max = command.args.length;
  if (positionals.length < min) throw usageError(`missing argument: ${usage(command)}`);
  if (positionals.length > max) throw usageError(`unexpected argument "${positionals[max]}": ${usage(command)}`);
}

/** node:util's parseArgs messages, shortened. */
function parseError(error: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option ${option}`;
  return error.message.split('. ')[0] ?? error.message;
}
