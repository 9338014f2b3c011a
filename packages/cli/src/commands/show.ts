import { inspect } from 'node:util';
import { reflectKey } from '@cachet/runtime';
import type { SqliteStore } from '@cachet/runtime/admin';
import { type EntryInfo, withCache } from '../cache.js';
import { type Command, defineCommand } from '../command.js';
import { CliError, EXIT, type ExitCode, usageError } from '../errors.js';
import { integer, text } from '../flags.js';
import { formatBytes, formatWhen, json, printable } from '../format.js';

export const showCommand: Command = defineCommand({
  name: 'show',
  summary: 'entries of a function with their values',
  description:
    'Shows entries of fn, most recently used first, with their metadata and decoded values. ' +
    '--args takes the argument list as a JSON array and finds the entry those arguments map to ' +
    'when fn is cached with cached() and no custom key (the reflective key encoding). Functions ' +
    'compiled from @cached encode keys from their parameter types, in another text, so --args ' +
    'finds nothing for them: use --match with part of the key text that `cachet list <fn>` shows.',
  args: [{ name: 'fn', required: true }],
  options: {
    args: text('<json>', 'the arguments as a JSON array, e.g. \'[7, {"posts": true}]\''),
    match: text('<text>', 'only entries whose key text contains text'),
    limit: integer({ help: 'at most n entries', fallback: 10, min: 1, expected: 'a positive integer' }),
  },
  run(ctx): ExitCode {
    const fn = ctx.positionals[0] as string;
    const argsText = argsKey(ctx.options.args);
    const { match, limit } = ctx.options;
    return withCache(ctx.io, ctx.dir, ({ store }) => {
      const summary = store.summary().find((f) => f.fn === fn);
      if (summary === undefined) throw noSuchFunction(store, fn);
      const keys = argsText === undefined ? undefined : summary.versions.map((v) => `${fn}\u0000${v}\u0000${argsText}`);
      const entries = store.entries({
        fn,
        ...(keys === undefined ? {} : { keys }),
        ...(match === undefined ? {} : { contains: match }),
        limit,
      });
      if (entries.length === 0) throw noMatch(fn, summary.entries, argsText !== undefined);
      const shown = entries.map((e) => ({ entry: e, value: store.value(e.hash) }));
      if (ctx.json) {
        const out = shown.map(({ entry, value }) => ({ ...entry, ...jsonValue(entry, value) }));
        ctx.io.stdout.write(json({ dir: ctx.dir, fn, entries: out }));
      } else {
        const now = ctx.io.now();
        const colors = ctx.io.stdout.isTTY === true;
        for (const { entry, value } of shown) ctx.io.stdout.write(describe(entry, value, now, colors));
        if (argsText === undefined && summary.entries > entries.length)
          ctx.io.stdout.write(`(${entries.length} of ${summary.entries} entries shown; --limit, --match or --args)\n`);
      }
      return EXIT.ok;
    });
  },
});

/** `--args '[1, "a"]'` as the reflective key text of that argument list. */
function argsKey(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch (error) {
    throw usageError(`--args is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(args))
    throw usageError('--args must be a JSON array of the arguments, e.g. [7] or ["a", {"b": 1}]');
  return args.map((arg) => reflectKey(arg)).join(',');
}

function noSuchFunction(store: SqliteStore, fn: string): CliError {
  const names = store.summary().map((f) => f.fn);
  const near = names.filter((n) => n.toLowerCase().includes(fn.toLowerCase()));
  const hint =
    near.length > 0 ? `; did you mean ${near.slice(0, 5).join(', ')}?` : names.length > 0 ? '; see cachet list' : '';
  return new CliError(`no entries of ${fn}${hint}`, EXIT.notFound);
}

function noMatch(fn: string, total: number, byArgs: boolean): CliError {
  if (!byArgs) return new CliError(`none of the ${total} entries of ${fn} matches`, EXIT.notFound);
  return new CliError(
    `no entry of ${fn} has the key cached() gives these arguments (${total} entries have other keys). ` +
      'Functions compiled from @cached key by their parameter types, not this encoding: ' +
      `see the key texts with \`cachet list ${fn}\` and pick entries with --match <text>.`,
    EXIT.notFound,
  );
}

/** JSON output of a value: itself when stored as JSON, else its inspection (Map, Date, bigint, ...). */
function jsonValue(entry: EntryInfo, read: { value: unknown } | undefined): Record<string, unknown> {
  if (read === undefined) return { missing: true };
  if (entry.codec === 'json') return { value: read.value };
  return { inspected: inspect(read.value, { depth: 8, maxArrayLength: 200, maxStringLength: 10_000 }) };
}

function describe(e: EntryInfo, read: { value: unknown } | undefined, now: number, colors: boolean): string {
  const where = e.blob === null ? 'in the row' : `blob file ${e.blob}`;
  const value =
    read === undefined
      ? '(gone, or its blob file is missing)'
      : inspect(read.value, { depth: 6, colors, maxArrayLength: 50, maxStringLength: 2000, breakLength: 100 });
  const lines = [
    `entry ${e.hash}  ${e.codec}, ${formatBytes(e.size)}, ${where}`,
    `  function   ${e.fn}`,
    `  version    ${printable(e.version)}`,
    `  key args   ${printable(e.args, 200)}`,
    `  created    ${formatWhen(e.createdAt, now)} (${new Date(e.createdAt).toISOString()})`,
    `  expires    ${formatWhen(e.expiresAt, now)}${e.staleUntil !== e.expiresAt ? `, stale until ${formatWhen(e.staleUntil, now)}` : ''}`,
    `  last used  ${formatWhen(e.accessedAt, now)}`,
    `  value      ${value.split('\n').join('\n             ')}`,
  ];
  return `${lines.join('\n')}\n\n`;
}
