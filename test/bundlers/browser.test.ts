/**
 * A Vite client build of a page with cached functions, in real headless Chromium: the runtime's
 * `browser` export (memory tier only, no node: imports) behind the compiled code.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import { chromium as chromiumService, runs } from '../support/services.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = join(here, 'fixture');
const outDir = join(here, '.tmp', 'browser');
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

let server: Server;
let origin: string;

beforeAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  const { build } = await import('vite');
  const cachet = (await import('unplugin-cachet/vite')).default;
  await build({
    root: fixture,
    configFile: false,
    logLevel: 'silent',
    plugins: [cachet()],
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
    },
  });
  server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] as string;
    const file = join(outDir, path === '/' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'text/plain' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

function bundleText(): string {
  const dir = join(outDir, 'assets');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}

it('bundles the browser runtime: no SQLite, no node: imports', () => {
  const code = bundleText();
  expect(code).toContain('src/users.ts#loadUser');
  // No module of better-sqlite3 or Node is imported (the option declarations name the driver
  // `better-sqlite3` as a word, which is not SQLite), and no SQLite store is bundled.
  expect(code).not.toMatch(/\b(?:from|import|require)\s*\(?\s*["'](?:better-sqlite3|node:)/);
  expect(code).not.toMatch(/CREATE TABLE/i);
});

it.runIf(runs(chromiumService))('runs cached functions in headless Chromium', async () => {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'cachet-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/`);
    // Expressions as strings: the test file's own transform must not reach into page code.
    await page.waitForFunction('globalThis.cachetResult !== undefined', undefined, { polling: 50, timeout: 20_000 });
    const result = await page.evaluate('globalThis.cachetResult');
    expect(errors).toEqual([]);
    expect(result).toEqual({
      users: [
        { id: 1, name: 'user 1' },
        { id: 1, name: 'user 1' },
        { id: 2, name: 'user 2' },
      ],
      slugs: ['hello-world', 'hello-world'],
      calls: { loadUser: 2, slug: 1, find: 0, loose: 0 },
    });
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
