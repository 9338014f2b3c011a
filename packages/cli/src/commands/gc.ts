import { withCache } from '../cache.js';
import { type Command, defineCommand } from '../command.js';
import { EXIT, type ExitCode } from '../errors.js';
import { json } from '../format.js';
import { progressLine } from '../progress.js';

export const gcCommand: Command = defineCommand({
  name: 'gc',
  summary: 'remove expired entries, orphaned blob files, old counters and older versions',
  description:
    'Removes entries past their ttl and stale window, blob files no entry refers to (older than an ' +
    'hour, so writes in flight are safe), expired herd leases, counters older than 7 days, and the ' +
    "entries of each function's older versions: all but the version of its most recently used entry. " +
    'Running processes do the same now and then (except for older versions); this does it now. ' +
    'Shows progress on a terminal.',
  args: [],
  options: {},
  run(ctx): ExitCode {
    const progress = progressLine(ctx.io.stdout, !ctx.json, ctx.io.now);
    let expired: number;
    let olderVersions: number;
    try {
      [expired, olderVersions] = withCache(ctx.io, ctx.dir, ({ store }) => [
        store.gc(progress.update),
        store.removeOlderVersions(progress.update),
      ]);
    } finally {
      progress.done();
    }
    if (ctx.json) ctx.io.stdout.write(json({ dir: ctx.dir, removed: expired + olderVersions, expired, olderVersions }));
    else ctx.io.stdout.write(`removed ${describe(expired, olderVersions)}\n`);
    return EXIT.ok;
  },
});

function describe(expired: number, olderVersions: number): string {
  const text = `${expired} expired ${expired === 1 ? 'entry or file' : 'entries and files'}`;
  if (olderVersions === 0) return text;
  return `${text} and ${olderVersions} ${olderVersions === 1 ? 'entry' : 'entries'} of older versions`;
}
