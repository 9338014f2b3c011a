import { withCache } from '../cache.js';
import { defineCommand } from '../command.js';
import { EXIT, type ExitCode } from '../errors.js';
import { json } from '../format.js';
import { progressLine } from '../progress.js';

export const gcCommand = defineCommand({
  name: 'gc',
  summary: 'remove expired entries, orphaned blob files and old counters',
  description:
    'Removes entries past their ttl and stale window, blob files no entry refers to (older than an ' +
    'hour, so writes in flight are safe), expired herd leases and counters older than 7 days. ' +
    'Running processes do the same now and then; this does it now. Shows progress on a terminal.',
  args: [],
  options: {},
  run(ctx): ExitCode {
    const progress = progressLine(ctx.io.stdout, !ctx.json, ctx.io.now);
    let removed: number;
    try {
      removed = withCache(ctx.io, ctx.dir, ({ store }) => store.gc(progress.update));
    } finally {
      progress.done();
    }
    if (ctx.json) ctx.io.stdout.write(json({ dir: ctx.dir, removed }));
    else ctx.io.stdout.write(`removed ${removed} expired ${removed === 1 ? 'entry or file' : 'entries and files'}\n`);
    return EXIT.ok;
  },
});
