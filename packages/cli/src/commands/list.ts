import { withCache } from '../cache.js';
import { type Command, defineCommand } from '../command.js';
import { EXIT, type ExitCode } from '../errors.js';
import { duration, integer } from '../flags.js';
import { formatBytes, formatSpan, formatWhen, json, printable, table } from '../format.js';

export const listCommand: Command = defineCommand({
  name: 'list',
  summary: 'functions in the cache, or the entries of one function',
  description:
    'Without fn: every function with entries, its versions, size and expired rows. ' +
    'With fn: its entries, most recently used first (key text, size, created, expiry, last use). ' +
    'With --expiring: entries whose ttl ends within the duration (not ended yet), soonest first.',
  args: [{ name: 'fn', required: false }],
  options: {
    expiring: duration('only entries expiring within the duration: 10m, 1h, 1d, ...'),
    limit: integer({ help: 'at most n entries', fallback: 50, min: 1, expected: 'a positive integer' }),
  },
  run(ctx): ExitCode {
    const fn = ctx.positionals[0];
    const { expiring: within, limit } = ctx.options;
    return withCache(ctx.io, ctx.dir, ({ store }) => {
      const out = ctx.io.stdout;
      const now = ctx.io.now();
      if (fn === undefined && within === undefined) {
        const functions = store.summary();
        if (ctx.json) out.write(json({ dir: ctx.dir, functions }));
        else if (functions.length === 0) out.write(`no entries in ${ctx.dir}\n`);
        else
          out.write(
            table(
              ['FUNCTION', 'ENTRIES', 'SIZE', 'VERSIONS', 'IN BLOBS', 'EXPIRED', 'LAST USED'].map((title, i) => ({
                title,
                right: i > 0 && i !== 3 && i !== 6,
              })),
              functions.map((f) => [
                f.fn,
                String(f.entries),
                formatBytes(f.bytes),
                f.versions.join(','),
                String(f.blobs),
                String(f.expired),
                formatWhen(f.lastAccess, now),
              ]),
            ),
          );
        return EXIT.ok;
      }
      const entries = store.entries({
        ...(fn === undefined ? {} : { fn }),
        ...(within === undefined ? {} : { expiringBefore: now + within, expiringAfter: now }),
        limit,
      });
      if (ctx.json) {
        out.write(json({ dir: ctx.dir, entries }));
        return EXIT.ok;
      }
      if (entries.length === 0) {
        const what = within === undefined ? 'no entries' : `no entries expiring within ${formatSpan(within)}`;
        out.write(`${what}${fn === undefined ? '' : ` of ${fn}`}\n`);
        return EXIT.ok;
      }
      const columns = ['HASH', ...(fn === undefined ? ['FUNCTION'] : []), 'VERSION', 'ARGS', 'SIZE', 'CREATED'];
      out.write(
        table(
          [...columns, 'EXPIRES', 'LAST USED'].map((title) => ({ title, right: title === 'SIZE' })),
          entries.map((e) => [
            e.hash,
            ...(fn === undefined ? [e.fn] : []),
            e.version,
            printable(e.args, 48),
            formatBytes(e.size),
            formatWhen(e.createdAt, now),
            formatWhen(e.expiresAt, now),
            formatWhen(e.accessedAt, now),
          ]),
        ),
      );
      if (entries.length === limit) out.write(`(first ${limit} shown; --limit <n> for more)\n`);
      return EXIT.ok;
    });
  },
});
