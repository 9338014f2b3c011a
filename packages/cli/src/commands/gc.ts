import { withCache } from '../cache.js';
import type { Command, Context } from '../command.js';
import { EXIT, type ExitCode } from '../errors.js';
import { json } from '../format.js';
import { progressLine } from '../progress.js';

export const gcCommand: Command = {
  name: 'gc',
  summary: 'remove expired entries, orphaned blob files and old counters',
  usage: 'cachet gc [--json]',
  description:
    'Removes entries past their ttl and stale window, blob files no entry refers to (older than an\n' +
    'hour, so writes in flight are safe), expired herd leases and counters older than 7 days.\n' +
    'Running processes do the same now and then; this does it now. It also removes the entries of\n' +
    "each function's older versions: all but the version of its most recently used entry.\n" +
    'Shows progress on a terminal.',
  options: {},
  optionHelp: [],
  positionals: { min: 0, max: 0 },
  json: true,
  run(ctx: Context): ExitCode {
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
};

function describe(expired: number, olderVersions: number): string {
  const text = `${expired} expired ${expired === 1 ? 'entry or file' : 'entries and files'}`;
  if (olderVersions === 0) return text;
  return `${text} and ${olderVersions} ${olderVersions === 1 ? 'entry' : 'entries'} of older versions`;
}
