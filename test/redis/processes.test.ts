/**
 * App servers as real node processes, each with its own local cache directory, sharing one
 * redis-server; they run the built packages (`npm run build` first; `npm test` does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ownRedis, type SharedRedis, sharedRedis, startRedis } from '../../packages/redis/test/redis-server.js';
import { type Child, start, until } from './children.js';

let server: SharedRedis;
let admin: Redis;
beforeAll(async () => {
  server = await sharedRedis('processes');
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin.disconnect();
  await server.stop();
});

const dirs: string[] = [];
const children: Child[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachet-redis-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const { child } of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function app(name: string, args: string[]): Child {
  const child = start(name, args);
  children.push(child);
  return child;
}

describe('app servers sharing one Redis', () => {
  it('runs each key once when 6 processes miss the same 5 keys at once', async () => {
    const go = join(tempDir(), 'go');
    const prefix = `${server.ns}herd:`;
    const herd = Array.from({ length: 6 }, () => app('herd.mjs', [server.url, prefix, go, '5']));
    await until(() => herd.every((p) => p.stdout().startsWith('ready\n')), 'all 6 processes to be ready');
    writeFileSync(go, '');
    const finished = await Promise.all(herd.map((p) => p.done));
    for (const f of finished) {
      expect(f.stderr).toBe('');
      expect(f.code).toBe(0);
    }
    for (let i = 0; i < 5; i++) expect(await admin.get(`${prefix}runs:k${i}`)).toBe('1');
    const seen = finished.map((f) => JSON.parse(f.stdout.split('\n')[1] as string));
    for (const values of seen) expect(values).toEqual(seen[0]); // every process got the owner's value
  });

  it("drops another process's invalidated entry from this process's memory tier", async () => {
    const prefix = `${server.ns}bus:`;
    const [a, b] = [app('app.mjs', [server.url, prefix]), app('app.mjs', [server.url, prefix])];
    const first = await a.ask('call 1');
    expect(await a.ask('call 1')).toBe(first); // from A's memory
    expect(await a.ask('peek 1')).toBe(first);
    expect(await b.ask('call 1')).toBe(first); // B reads A's entry from Redis
    expect(await b.ask('invalidate 1')).toBe('done');
    let held: unknown = first;
    const deadline = Date.now() + 5000;
    while (held !== null && Date.now() < deadline) held = await a.ask('peek 1');
    expect(held).toBeNull(); // the bus dropped it from A's memory
    const second = await a.ask('call 1');
    expect(second).not.toBe(first);
    expect(second).toMatch(/^1#/);
    expect(await b.ask('call 1')).toBe(second);

    await a.ask('call 2');
    expect(await b.ask('clear')).toBe('done');
    held = 'x';
    while (held !== null && Date.now() < deadline + 5000) held = await a.ask('peek 2');
    expect(held).toBeNull();
    for (const p of [a, b]) p.child.stdin?.end('exit\n');
    for (const f of await Promise.all([a.done, b.done])) {
      expect(f.stderr).toBe('');
      expect(f.code).toBe(0);
    }
  });

  it.runIf(ownRedis)('keeps returning right values while Redis is killed and restarted mid-run', async () => {
    const local = await startRedis();
    try {
      const dir = tempDir();
      const [restarted, stop] = [join(dir, 'restarted'), join(dir, 'stop')];
      const steady = [0, 1, 2].map(() => app('steady.mjs', [local.url, 'steady:', '50', restarted, stop]));
      const calls = (p: Child): number => Number(/calls (\d+)\n(?!.*calls)/s.exec(p.stdout())?.[1] ?? 0);
      await until(() => steady.every((p) => calls(p) >= 400), 'the servers to warm up');
      await local.kill();
      const atKill = steady.map(calls);
      await until(() => steady.every((p, i) => calls(p) >= (atKill[i] as number) + 400), 'calls while Redis is down');
      await local.restart();
      writeFileSync(restarted, '');
      const atRestart = steady.map(calls);
      await until(() => steady.every((p) => p.stdout().includes('back\n')), 'Redis hits after the restart');
      await until(() => steady.every((p, i) => calls(p) >= (atRestart[i] as number) + 400), 'calls after the restart');
      writeFileSync(stop, '');
      const finished = await Promise.all(steady.map((p) => p.done));
      for (const f of finished) {
        expect(f.stderr).toBe('');
        expect(f.code).toBe(0);
        const report = JSON.parse(f.stdout.trim().split('\n').at(-1) as string);
        expect(report.wrong).toBe(0);
        expect(report.hitsAfterRestart).toBeGreaterThan(0); // back on Redis without help
        expect(report.warnings.length).toBeGreaterThan(0);
        for (const warning of report.warnings) expect(warning).toMatch(/tier "redis" failed/);
      }
      const check = new Redis(local.url);
      expect(await check.dbsize()).toBeGreaterThan(0);
      check.disconnect();
    } finally {
      await local.stop();
    }
  });
});
