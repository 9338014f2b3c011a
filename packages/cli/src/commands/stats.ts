import { withCache } from '../cache.js';
import { type Command, defineCommand } from '../command.js';
import { EXIT, type ExitCode } from '../errors.js';
import { duration } from '../flags.js';
import { formatBytes, formatRate, json, table } from '../format.js';
import { functionReports, totals } from '../report.js';

export const statsCommand: Command = defineCommand({
  name: 'stats',
  summary: 'entries, sizes, hits, misses and herd joins per function',
  description:
    'Entries and bytes stored per function, and the calls that processes using this cache counted ' +
    '(reported every 10 s and at exit; kept for 7 days). Hit rate = (hits + stale hits) / calls.',
  args: [],
  options: {
    since: { ...duration('count calls of the last 1h, 24h, 7d, ...'), defaultText: 'all kept' },
  },
  run(ctx): ExitCode {
    const span = ctx.options.since;
    const since = span === undefined ? 0 : ctx.io.now() - span;
    return withCache(ctx.io, ctx.dir, ({ store }) => {
      const functions = functionReports(store, since);
      const sum = totals(functions);
      if (ctx.json) {
        ctx.io.stdout.write(json({ dir: ctx.dir, since, functions, totals: sum }));
        return EXIT.ok;
      }
      const out = ctx.io.stdout;
      out.write(`cache ${ctx.dir}: ${sum.entries} entries, ${formatBytes(sum.bytes)}\n\n`);
      if (functions.length === 0) {
        out.write('no functions have entries or counted calls yet\n');
        return EXIT.ok;
      }
      const row = (name: string, r: typeof sum | (typeof functions)[number]): string[] => [
        name,
        String(r.entries),
        formatBytes(r.bytes),
        String(r.hits),
        String(r.staleHits),
        String(r.misses),
        String(r.herdJoins),
        String(r.errors),
        formatRate(r.hitRate),
        formatRate(r.servedRate),
      ];
      const columns = [
        'FUNCTION',
        'ENTRIES',
        'SIZE',
        'HITS',
        'STALE',
        'MISSES',
        'HERD JOINS',
        'ERRORS',
        'HIT RATE',
        'SERVED W/O RUN',
      ];
      out.write(
        table(
          columns.map((title, i) => ({ title, right: i > 0 })),
          [...functions.map((r) => row(r.fn, r)), row('total', sum)],
        ),
      );
      return EXIT.ok;
    });
  },
});
