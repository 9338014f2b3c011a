import { withCache } from '../cache.js';
import { type Command, defineCommand } from '../command.js';
import { EXIT, type ExitCode } from '../errors.js';
import { duration } from '../flags.js';
import { json } from '../format.js';
import { progressLine } from '../progress.js';

export const pruneCommand: Command = defineCommand({
  name: 'prune',
  summary: 'remove entries older than a duration, or unused for one',
  description:
    'Removes entries created more than --older-than ago, or not read for --unused-for (last use is ' +
    'recorded at minute grain), whatever their ttl; of fn only when given. Shows progress on a terminal.',
  args: [{ name: 'fn', required: false }],
  options: {
    'older-than': duration('entries created longer ago than 30d, 12h, ...'),
    'unused-for': duration('entries not read for 30d, 12h, ...'),
  },
  oneOf: [['older-than', 'unused-for']],
  run(ctx): ExitCode {
    const fn = ctx.positionals[0];
    const { 'older-than': olderThan, 'unused-for': unusedFor } = ctx.options;
    const by = olderThan === undefined ? 'accessed' : 'created';
    const before = ctx.io.now() - ((olderThan ?? unusedFor) as number);
    const progress = progressLine(ctx.io.stdout, !ctx.json, ctx.io.now);
    let removed: number;
    try {
      removed = withCache(ctx.io, ctx.dir, ({ store }) =>
        store.prune({ before, by, ...(fn === undefined ? {} : { fn }) }, progress.update),
      );
    } finally {
      progress.done();
    }
    if (ctx.json) ctx.io.stdout.write(json({ dir: ctx.dir, fn: fn ?? null, by, before, removed }));
    else
      ctx.io.stdout.write(
        `removed ${removed} ${removed === 1 ? 'entry' : 'entries'}${fn === undefined ? '' : ` of ${fn}`} ` +
          `${by === 'created' ? 'created' : 'last used'} before ${new Date(before).toISOString()}\n`,
      );
    return EXIT.ok;
  },
});
