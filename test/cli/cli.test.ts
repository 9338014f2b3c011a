/**
 * `cachet` against a real cache directory: made by cached functions of the built runtime in a
 * child process (see helpers.ts), read and changed by the CLI, in this process or as the bin.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EntryInfo, FunctionReport, FunctionSummary } from '@cachet/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, cachet, cachetJson, copyCache, populatedCache, removeTemps, tempDir } from './helpers.js';

const run = promisify(execFile);
let cache: string;

beforeAll(async () => {
  cache = await populatedCache();
});
afterAll(removeTemps);

type Stats = { functions: FunctionReport[]; totals: FunctionReport };
const byFn = <T extends { fn: string }>(rows: T[], fn: string): T | undefined => rows.find((r) => r.fn === fn);

describe('cachet stats', () => {
  it('shows the counts of a process that exited without close(), once although two stores share the file', async () => {
    const { functions } = await cachetJson<Stats>(['stats', '--dir', cache]);
    // users.load: 5 ids, 3 repeated, then 3 concurrent calls of one id: one run, two herd joins.
    expect(byFn(functions, 'users.load')).toMatchObject({ entries: 6, hits: 3, misses: 6, herdJoins: 2 });
    expect(byFn(functions, 'users.load')?.hitRate).toBeCloseTo(3 / 11);
    // format.label is memory-only: no entries, but its calls were counted.
    expect(byFn(functions, 'format.label')).toMatchObject({ entries: 0, hits: 1, misses: 1 });
    expect(byFn(functions, 'reports.render')).toMatchObject({ entries: 2, blobs: 2, hits: 1, misses: 2 });
    expect(byFn(functions, 'search.query')).toMatchObject({ hits: 12, misses: 6 });
  });

  it('--since counts recent calls only, and the table reads like the JSON', async () => {
    const { functions } = await cachetJson<Stats>(['stats', '--since', '1d', '--dir', cache]);
    expect(byFn(functions, 'legacy.fetch')).toMatchObject({ entries: 3, hits: 0, misses: 0, hitRate: null });
    const { code, stdout } = await cachet(['stats', '--dir', cache]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^users\.load\s+6\s+744 B\s+3\s+0\s+6\s+2\s+0\s+27\.3%\s+45\.5%$/m);
    expect(stdout).toMatch(/^total\s+23\s/m);
  });

  it('uses CACHET_DIR, then .cachet in the working directory, when --dir is not given', async () => {
    const viaEnv = await cachet(['stats'], { env: { CACHET_DIR: cache } });
    expect(viaEnv.stdout).toContain(`cache ${cache}:`);
    const viaCwd = await cachet(['stats'], { cwd: join(cache, '..'), env: {} });
    expect(viaCwd.code).toBe(3);
    expect(viaCwd.stderr).toContain(join(cache, '..', '.cachet'));
  });
});

describe('cachet list', () => {
  it('lists functions with their versions, blob files and expired rows', async () => {
    const { functions } = await cachetJson<{ functions: FunctionSummary[] }>(['list', '--dir', cache]);
    expect(functions.map((f) => f.fn)).toEqual([
      'auth.token',
      'geo.lookup',
      'legacy.fetch',
      'reports.render',
      'search.query',
      'users.load',
    ]);
    expect(byFn(functions, 'users.load')).toMatchObject({ versions: ['3'], entries: 6 });
    expect(byFn(functions, 'auth.token')).toMatchObject({ expired: 4 });
  });

  it('lists the entries of one function with their key text', async () => {
    const { entries } = await cachetJson<{ entries: EntryInfo[] }>(['list', 'users.load', '--dir', cache]);
    expect(entries.map((e) => e.args).sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd9']);
    expect(entries[0]).toMatchObject({ fn: 'users.load', version: '3', codec: 'json', blob: null });
    expect(entries[0]?.hash).toMatch(/^[0-9a-f]{16}$/);
    const { stdout } = await cachet(['list', 'users.load', '--limit', '2', '--dir', cache]);
    expect(stdout.split('\n')[0]).toMatch(/^HASH\s+VERSION\s+ARGS\s+SIZE\s+CREATED\s+EXPIRES\s+LAST USED$/);
    expect(stdout).toContain('(first 2 shown; --limit <n> for more)');
  });

  it('--expiring lists entries whose ttl ends within the duration, soonest first, not those already expired', async () => {
    const { entries } = await cachetJson<{ entries: EntryInfo[] }>(['list', '--expiring', '30m', '--dir', cache]);
    expect(entries.map((e) => e.fn)).toEqual(['geo.lookup', 'geo.lookup']);
    const hour = await cachetJson<{ entries: EntryInfo[] }>(['list', '--expiring', '1h', '--dir', cache]);
    expect(new Set(hour.entries.map((e) => e.fn))).toEqual(new Set(['geo.lookup', 'users.load']));
  });
});

describe('cachet show', () => {
  it('--args finds the entry cached() keyed those arguments by, and prints its value', async () => {
    const { code, stdout } = await cachet(['show', 'users.load', '--args', '[2]', '--dir', cache]);
    expect(code).toBe(0);
    expect(stdout).toContain("value      { id: 2, name: 'user2', joined: '2024-01-02' }");
    expect(stdout.match(/^entry /gm)).toHaveLength(1);
    // Property order does not matter to the reflective key; v8 values (a Date here) are shown inspected.
    const geo = await cachetJson<{ entries: { inspected: string }[] }>([
      'show',
      'geo.lookup',
      '--args',
      '[{"lon": 10, "lat": 1}]',
      '--dir',
      cache,
    ]);
    expect(geo.entries).toHaveLength(1);
    expect(geo.entries[0]?.inspected).toBe("{ city: 'c1:10', at: 1970-01-01T00:00:00.000Z }");
  });

  it('says why --args found nothing (another type, or a compiled function) and exits 4', async () => {
    const { code, stderr } = await cachet(['show', 'users.load', '--args', '["2"]', '--dir', cache]);
    expect(code).toBe(4);
    expect(stderr).toContain('no entry of users.load has the key cached() gives these arguments');
    expect(stderr).toContain('Functions compiled from @cached key by their parameter types');
  });

  it('without --args shows entries with values; --match picks by key text; --json gives JSON values', async () => {
    const { entries } = await cachetJson<{ entries: (EntryInfo & { value: unknown })[] }>([
      'show',
      'users.load',
      '--match',
      'd9',
      '--dir',
      cache,
    ]);
    expect(entries.map((e) => e.value)).toEqual([{ id: 9, name: 'user9', joined: '2024-01-00' }]);
    const all = await cachet(['show', 'reports.render', '--limit', '1', '--dir', cache]);
    expect(all.stdout).toMatch(/blob file [0-9a-f]{16}-[0-9a-f]{16}/);
    expect(all.stdout).toContain('(1 of 2 entries shown');
  });

  it('an unknown function exits 4 and names near ones', async () => {
    const { code, stderr } = await cachet(['show', 'users', '--dir', cache]);
    expect(code).toBe(4);
    expect(stderr).toContain('no entries of users; did you mean users.load?');
  });
});

describe('cachet clear, gc and prune change the cache', () => {
  it('clear <fn> removes that function’s entries and blob files; clear removes everything', async () => {
    const dir = copyCache(cache);
    const blobFiles = (): string[] =>
      readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => d.name);
    expect(blobFiles()).toHaveLength(2);
    expect(await cachetJson(['clear', 'reports.render', '--dir', dir])).toMatchObject({ removed: 2 });
    expect(blobFiles()).toHaveLength(0);
    const { stdout } = await cachet(['clear', '--dir', dir]);
    expect(stdout).toBe('removed 21 entries\n');
    expect((await cachetJson<{ functions: unknown[] }>(['list', '--dir', dir])).functions).toEqual([]);
    // Counted calls stay.
    const { functions } = await cachetJson<Stats>(['stats', '--dir', dir]);
    expect(byFn(functions, 'users.load')).toMatchObject({ entries: 0, hits: 3 });
  });

  it('gc removes entries past their ttl; prune removes old ones, by creation or by last use', async () => {
    const dir = copyCache(cache);
    expect(await cachetJson(['gc', '--dir', dir])).toMatchObject({ removed: 4 }); // auth.token, expired 40 days ago
    expect(await cachetJson(['prune', 'users.load', '--older-than', '30d', '--dir', dir])).toMatchObject({
      removed: 0,
    });
    expect(await cachetJson(['prune', '--unused-for', '30d', '--dir', dir])).toMatchObject({
      by: 'accessed',
      removed: 3, // legacy.fetch
    });
    expect(await cachetJson(['prune', '--older-than', '30m', '--dir', dir])).toMatchObject({ removed: 6 }); // search.query
    const { functions } = await cachetJson<{ functions: FunctionSummary[] }>(['list', '--dir', dir]);
    expect(functions.map((f) => f.fn)).toEqual(['geo.lookup', 'reports.render', 'users.load']);
  });

  it('draws progress in place on a terminal only', async () => {
    const dir = copyCache(cache);
    const tty = await cachet(['gc', '--dir', dir], { tty: true });
    expect(tty.stdout).toContain('\r\x1b[Kremoving expired entries  [');
    expect(tty.stdout).toContain('4/4  100%');
    expect(tty.stdout.endsWith('\r\x1b[Kremoved 4 expired entries and files\n')).toBe(true);
    const piped = await cachet(['prune', '--older-than', '1d', '--dir', copyCache(cache)]);
    expect(piped.stdout).not.toContain('\r');
    expect(piped.stdout).toMatch(/^removed 7 entries created before \d{4}-/);
  });
});

describe('the command line', () => {
  it('has --help for every command, and a summary of them all', async () => {
    const all = await cachet(['--help']);
    expect(all.code).toBe(0);
    for (const name of ['stats', 'list', 'show', 'clear', 'gc', 'prune', 'serve']) {
      expect(all.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
      const one = await cachet([name, '--help']);
      expect(one.code).toBe(0);
      expect(one.stdout).toMatch(new RegExp(`^usage: cachet ${name}`));
      expect(one.stdout).toContain('--dir <path>');
    }
    expect((await cachet(['help', 'prune'])).stdout).toContain('--older-than <duration>');
  });

  it('reports usage errors with exit code 2 and the command to ask for help', async () => {
    expect(await cachet([])).toMatchObject({ code: 2 });
    expect(await cachet(['frob'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frob"'),
    });
    expect(await cachet(['list', '--bogus'])).toMatchObject({
      code: 2,
      stderr: 'cachet: unknown option --bogus (see cachet list --help)\n',
    });
    expect(await cachet(['show'])).toMatchObject({ code: 2, stderr: expect.stringContaining('missing argument') });
    expect(await cachet(['gc', 'extra'])).toMatchObject({ code: 2 });
    expect(await cachet(['prune', '--dir', cache])).toMatchObject({ code: 2 });
    expect(await cachet(['prune', '--older-than', 'soon', '--dir', cache])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('"soon" is not a duration'),
    });
    expect(await cachet(['show', 'users.load', '--args', '{"a":1}', '--dir', cache])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--args must be a JSON array'),
    });
    expect(await cachet(['serve', '--port', 'x', '--dir', cache])).toMatchObject({ code: 2 });
  });

  it('serve prints where it listens and stops when asked; a taken port exits 1 with advice', async () => {
    const served = await cachet(['serve', '--port', '0', '--json', '--dir', cache]); // the test's io stops at once
    expect(served.code).toBe(0);
    expect(JSON.parse(served.stdout).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const busy = await cachet(['serve', '--port', String(port), '--dir', cache]);
    taken.close();
    expect(busy).toMatchObject({
      code: 1,
      stderr: `cachet: port ${port} is in use; pick another with --port <n> (0: any free port)\n`,
    });
  });

  it('as a process: exit codes, stderr, and no cache created where there was none', async () => {
    const empty = join(tempDir(), 'nothing');
    const failed = await run(process.execPath, [bin, 'stats', '--dir', empty]).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 3, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain(`cachet: no cache at ${empty} (no cache.db there)`);
    expect(existsSync(empty)).toBe(false);
    const { stdout } = await run(process.execPath, [bin, 'list', 'users.load', '--dir', cache]);
    expect(stdout).toContain('d9');
    expect((await run(process.execPath, [bin, '--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
