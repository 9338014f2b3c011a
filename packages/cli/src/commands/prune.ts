import { withCache } from '../cache.js';
import type { Command, Context } from '../command.js';
import { EXIT, type ExitCode, usageError } from '../errors.js';
import { json } from '../format.js';
import { progressLine } from '../progress.js';
import { durationOption } from './options.js';

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'remove entries older than a duration, or unused for one',
  usage: 'cachet prune [fn] (--older-than <duration> | --unused-for <duration>) [--json]',
  description:
    'Removes entries created more than --older-than ago, or not read for --unused-for (last use is\n' +
    'recorded at minute grain), whatever their ttl; of fn only when given. Shows progress on a terminal.',
  options: { 'older-than': { type: 'string' }, 'unused-for': { type: 'string' } },
  optionHelp: [
    ['--older-than <duration>', 'entries created longer ago than 30d, 12h, ...'],
    ['--unused-for <duration>', 'entries not read for 30d, 12h, ...'],
  ],
  positionals: { min: 0, max: 1 },
  json: true,
  run(ctx: Context): ExitCode {
    const fn = ctx.positionals[0];
    const olderThan = durationOption(ctx, 'older-than');
    const unusedFor = durationOption(ctx, 'unused-for');
    if ((olderThan === undefined) === (unusedFor === undefined))
      throw usageError('prune needs one of --older-than <duration> or --unused-for <duration>');
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
};
