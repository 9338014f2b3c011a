import { withCache } from '../cache.js';
import { type Command, defineCommand } from '../command.js';
import { EXIT, type ExitCode } from '../errors.js';
import { json } from '../format.js';

export const clearCommand: Command = defineCommand({
  name: 'clear',
  summary: 'remove every entry of a function, or every entry',
  description:
    'Removes the entries of fn (every version), or of every function, with their blob files. ' +
    'Processes running with this cache keep what their memory tier holds until they restart. ' +
    'Counted calls (cachet stats) are kept.',
  args: [{ name: 'fn', required: false }],
  options: {},
  run(ctx): ExitCode {
    const fn = ctx.positionals[0];
    const removed = withCache(ctx.io, ctx.dir, ({ store }) => store.clear(fn));
    if (ctx.json) ctx.io.stdout.write(json({ dir: ctx.dir, fn: fn ?? null, removed }));
    else
      ctx.io.stdout.write(
        `removed ${removed} ${removed === 1 ? 'entry' : 'entries'}${fn === undefined ? '' : ` of ${fn}`}\n`,
      );
    return EXIT.ok;
  },
});
