/**
 * docs/cli.md's generated parts, from the same declarations as parsing and `--help`: the table of
 * commands, each command's usage, description and options, and the exit codes.
 * `npm run docs:cli` writes them between the file's markers; a test fails when they drift.
 */
import type { Command } from './command.js';
import { EXIT_MEANINGS } from './errors.js';
import { commonFlags, type Flag, type Flags, flagLabel } from './flags.js';
import { usage } from './help.js';

/** The generated regions of docs/cli.md, by marker name. */
export function cliReference(commands: readonly Command[]): Record<string, string> {
  return {
    'cli-commands': commandTable(commands),
    'cli-options': [
      'Options of every command:',
      '',
      optionTable(commonFlags),
      ...commands.flatMap((command) => ['', ...commandSection(command)]),
    ].join('\n'),
    'cli-exit-codes': table(
      ['code', 'meaning'],
      Object.entries(EXIT_MEANINGS).map(([code, meaning]) => [code, prose(meaning)]),
    ),
  };
}

function commandTable(commands: readonly Command[]): string {
  return table(
    ['command', 'what it does'],
    commands.map((command) => [`[\`${command.name}\`](#cachet-${command.name})`, prose(command.summary)]),
  );
}

function commandSection(command: Command): string[] {
  const options = Object.keys(command.options).length === 0 ? [] : ['', optionTable(command.options)];
  return [
    `### cachet ${command.name}`,
    '',
    '```',
    usage(command),
    '```',
    '',
    ...command.description.split('\n\n').map(prose),
    ...options,
  ];
}

function optionTable(flags: Flags): string {
  return table(
    ['option', 'default', 'meaning'],
    Object.entries(flags).map(([name, flag]: [string, Flag<unknown>]) => [
      `\`${flagLabel(name, flag)}\``,
      flag.defaultText === undefined ? '' : `\`${flag.defaultText}\``,
      prose(flag.help),
    ]),
  );
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Help text as Markdown: `<` and `>` outside code spans escaped, table pipes escaped, one line. */
function prose(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`')
    .replace(/\|/g, '\\|');
}

/**
 * `markdown` with each region between `<!-- begin NAME ... -->` and `<!-- end NAME -->` replaced
 * by `regions[NAME]`. A region without its markers is an error: the docs lost a table.
 */
export function fillRegions(markdown: string, regions: Readonly<Record<string, string>>): string {
  let out = markdown;
  for (const [name, body] of Object.entries(regions)) {
    const region = new RegExp(`(<!-- begin ${name}\\b[^>]*-->)[\\s\\S]*?(<!-- end ${name} -->)`);
    if (!region.test(out)) throw new Error(`no <!-- begin ${name} --> ... <!-- end ${name} --> markers`);
    out = out.replace(region, (_, begin: string, end: string) => `${begin}\n${body}\n${end}`);
  }
  return out;
}
