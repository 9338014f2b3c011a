import type { Command, Context } from '../command.js';
import { EXIT, type ExitCode, usageError } from '../errors.js';
import { json } from '../format.js';
import { DEFAULT_PORT, startDashboard } from '../serve/server.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'a local dashboard: functions, sizes, hit rates over time, expiring entries, clear',
  usage: 'cachet serve [--port <n>] [--json]',
  description:
    'Serves a dashboard of the cache on http://127.0.0.1:<port>/ until Ctrl-C. It listens on the\n' +
    'loopback address only, answers only requests whose Host header names it, and clears entries\n' +
    'only for requests carrying the token of this run, which only its own page knows.\n' +
    'With --json, prints {"url": ...} once listening.',
  options: { port: { type: 'string', short: 'p' } },
  optionHelp: [['-p, --port <n>', `port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)`]],
  positionals: { min: 0, max: 0 },
  json: true,
  async run(ctx: Context): Promise<ExitCode> {
    const text = typeof ctx.values.port === 'string' ? ctx.values.port : String(DEFAULT_PORT);
    const port = Number(text);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be 0..65535, got "${text}"`);
    const dashboard = await startDashboard({ dir: ctx.dir, port, io: ctx.io });
    if (ctx.json) ctx.io.stdout.write(json({ url: dashboard.url, dir: ctx.dir }));
    else ctx.io.stdout.write(`Cachet dashboard for ${ctx.dir}\nlistening on ${dashboard.url} (Ctrl-C to stop)\n`);
    await ctx.io.waitForStop();
    await dashboard.close();
    return EXIT.ok;
  },
};
