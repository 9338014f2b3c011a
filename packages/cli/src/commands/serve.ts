import { type Command, defineCommand } from '../command.js';
import { EXIT, type ExitCode } from '../errors.js';
import { integer } from '../flags.js';
import { json } from '../format.js';
import { DEFAULT_PORT, startDashboard } from '../serve/server.js';

export const serveCommand: Command = defineCommand({
  name: 'serve',
  summary: 'a local dashboard: functions, sizes, hit rates over time, expiring entries, clear',
  description:
    'Serves a dashboard of the cache on http://127.0.0.1:<port>/ until Ctrl-C. It listens on the ' +
    'loopback address only, answers only requests whose Host header names it, and clears entries ' +
    'only for requests carrying the token of this run, which only its own page knows. ' +
    'With --json, prints {"url": ...} once listening.',
  args: [],
  options: {
    port: integer({
      help: 'port on 127.0.0.1; 0 picks a free one',
      fallback: DEFAULT_PORT,
      min: 0,
      max: 65535,
      short: 'p',
      expected: '0..65535',
    }),
  },
  async run(ctx): Promise<ExitCode> {
    const { port } = ctx.options;
    const dashboard = await startDashboard({ dir: ctx.dir, port, io: ctx.io });
    if (ctx.json) ctx.io.stdout.write(json({ url: dashboard.url, dir: ctx.dir }));
    else ctx.io.stdout.write(`Cachet dashboard for ${ctx.dir}\nlistening on ${dashboard.url} (Ctrl-C to stop)\n`);
    await ctx.io.waitForStop();
    await dashboard.close();
    return EXIT.ok;
  },
});
