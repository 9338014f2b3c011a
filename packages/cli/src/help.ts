/** `cachet --help` and `cachet <command> --help`, from the commands' declarations. */
import type { Command } from './command.js';
import { EXIT_MEANINGS } from './errors.js';
import { commonFlags, type Flag, flagLabel } from './flags.js';

/** Help is wrapped to this width. */
const WIDTH = 100;

/** `cachet prune [fn] (--older-than <duration> | --unused-for <duration>) [--json]` */
export function usage(command: Command): string {
  const grouped = new Set((command.oneOf ?? []).flat());
  const option = (name: string): string => flagLabel(name, command.options[name] as Flag<unknown>, false);
  return [
    `cachet ${command.name}`,
    ...command.args.map((arg) => (arg.required ? `<${arg.name}>` : `[${arg.name}]`)),
    ...(command.oneOf ?? []).map((group) => `(${group.map(option).join(' | ')})`),
    ...Object.keys(command.options)
      .filter((name) => !grouped.has(name))
      .map((name) => `[${option(name)}]`),
    '[--json]',
  ].join(' ');
}

/** One line per option: label, help, and default. */
export function optionLines(flags: Readonly<Record<string, Flag<unknown>>>): [string, string][] {
  return Object.entries(flags).map(([name, flag]) => [
    flagLabel(name, flag),
    flag.defaultText === undefined ? flag.help : `${flag.help} (default: ${flag.defaultText})`,
  ]);
}

export function globalHelp(commands: readonly Command[]): string {
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
    ...columns(optionLines(commonFlags)),
    '',
    "cachet <command> --help shows a command's options.",
    '',
    'exit codes:',
    ...columns(Object.entries(EXIT_MEANINGS)),
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [
    `usage: ${usage(command)}`,
    '',
    ...command.description.split('\n\n').flatMap((paragraph) => [...wrap(paragraph, WIDTH), '']),
    'options:',
    ...columns([...optionLines(command.options), ...optionLines(commonFlags)]),
    '',
  ].join('\n');
}

/** Two aligned columns, indented. */
function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

/** Words of `text` in lines of at most `width` characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
