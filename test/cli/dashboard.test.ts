/**
 * `cachet serve` as a process, looked at in real headless Chromium (playwright-core and the
 * system's chromium): the page renders the cache's data (checked in the DOM and in a screenshot's
 * pixels), clearing asks first, and requests that could come from another site are refused.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntryInfo } from '@cachet/cli';
import { createSqliteStore } from '@cachet/runtime/admin';
import type { StatsSample, SyncStore } from '@cachet/runtime/store';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import { bin, cachetJson, copyCache, populatedCache, removeTemps, tempDir } from './helpers.js';

const screenshotDir = fileURLToPath(new URL('../../.tmp/', import.meta.url));

let base: string;
let browser: Browser;
const servers: ChildProcess[] = [];

beforeAll(async () => {
  base = await populatedCache();
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers.splice(0)) server.kill('SIGTERM');
  removeTemps();
});

interface Served {
  /** The cache directory it serves. */
  readonly dir: string;
  readonly url: string;
}

/**
 * `cachet serve` on a copy of the populated cache: each test starts from the same data whatever
 * ran before it, so the tests pass alone, in any order.
 */
async function serve(dir = copyCache(base)): Promise<Served> {
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--json', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  servers.push(server);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url": "([^"]+)"/.exec(out);
      if (match) resolve(match[1] as string);
    });
    server.once('exit', (code) => reject(new Error(`cachet serve exited ${code}: ${out}`)));
  });
  return { dir, url };
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** A raw HTTP request to the server, with whatever Host and headers a hostile page could send. */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function entriesOf(dir: string, fn: string): Promise<number> {
  const { entries } = await cachetJson<{ entries: EntryInfo[] }>(['list', fn, '--dir', dir]);
  return entries.length;
}

async function openDashboard(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page.locator('#functions tbody tr').first().waitFor();
  expect(errors).toEqual([]);
  return page;
}

/** Counts, in the browser (a canvas decodes the PNG), the pixels within a small distance of a colour. */
const COUNT_PIXELS = `async ({ data, rgb }) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  let near = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const d = Math.abs(pixels[i] - rgb[0]) + Math.abs(pixels[i + 1] - rgb[1]) + Math.abs(pixels[i + 2] - rgb[2]);
    if (d < 24) near++;
  }
  return near;
}`;

/** How many pixels of a PNG are close to `rgb`. */
function pixelsNear(page: Page, png: Buffer, rgb: [number, number, number]): Promise<number> {
  const args = JSON.stringify({ data: png.toString('base64'), rgb });
  return page.evaluate(`(${COUNT_PIXELS})(${args})`) as Promise<number>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A cache holding only counted calls of one function: a sample every `every` ms over the last `span` ms. */
function countedCache(span: number, every: number): string {
  const dir = join(tempDir(), 'cache');
  const store = createSqliteStore({ dir }) as SyncStore & { recordStats(s: readonly StatsSample[]): void };
  const now = Date.now();
  const samples: StatsSample[] = [];
  for (let t = now - span; t <= now; t += every) {
    samples.push({ fn: 'steady', at: t - (t % MINUTE), hits: 3, misses: 1, staleHits: 0, herdJoins: 0, errors: 0 });
  }
  store.recordStats(samples);
  store.close();
  return dir;
}

/** An SVG element as drawn (the test's types have no DOM). */
interface Drawn {
  getBBox(): { x: number; width: number };
}

/**
 * The chart's time labels as drawn (their boxes in the SVG), checked readable: at least three,
 * inside the chart, none overlapping the next. Returns their texts.
 */
async function readableTimeLabels(page: Page): Promise<string[]> {
  const width = await page.locator('#chart').evaluate((svg) => svg.clientWidth);
  const labels = await page.locator('#chart text.time-axis').evaluateAll((nodes) =>
    nodes.map((node) => {
      const box = (node as unknown as Drawn).getBBox();
      return { text: node.textContent ?? '', left: box.x, right: box.x + box.width };
    }),
  );
  expect(labels.length).toBeGreaterThanOrEqual(3);
  labels.sort((a, b) => a.left - b.left);
  expect(labels[0]?.left).toBeGreaterThanOrEqual(0);
  expect(labels.at(-1)?.right).toBeLessThanOrEqual(width);
  for (let i = 1; i < labels.length; i++) expect(labels[i]?.left).toBeGreaterThan((labels[i - 1]?.right ?? 0) + 4);
  return labels.map((label) => label.text);
}

/** Keeps a screenshot of the chart in .tmp/ for a person to look at. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  writeFileSync(join(screenshotDir, name), await page.locator('#chart-box').screenshot());
}

/** The widest bar of the chart, over the chart's width. */
async function widestBar(page: Page): Promise<number> {
  return page.locator('#chart').evaluate((svg) => {
    const widths = [...svg.querySelectorAll('rect[data-kind]')].map((bar) => (bar as unknown as Drawn).getBBox().width);
    return Math.max(...widths) / svg.clientWidth;
  });
}

describe('the chart adapts its buckets to the time shown', () => {
  it('a minute of counts: one narrow bar among a quarter hour of minutes, labelled with clock times', async () => {
    const { url } = await serve(countedCache(0, MINUTE));
    const page = await openDashboard(url);
    expect(await page.locator('#bucket').textContent()).toMatch(/^one bar per 1m;/);
    expect(await page.locator('#chart rect[data-kind="hits"]').count()).toBe(1);
    expect(await widestBar(page)).toBeLessThan(1 / 12);
    const labels = await readableTimeLabels(page);
    // Clock times; a tick at midnight names the day instead (the quarter hour may span it).
    for (const label of labels) expect(label).toMatch(/\d\d:\d\d$|^[A-Z][a-z]{2} \d{1,2}$/);
    expect(labels.filter((label) => /\d\d:\d\d$/.test(label)).length).toBeGreaterThan(0);
    await screenshot(page, 'dashboard-minute.png');
    await page.close();
  });

  it('a month of counts: half-day bars labelled with dates, and every range readable', async () => {
    const { url } = await serve(countedCache(30 * DAY, HOUR));
    const page = await openDashboard(url);
    expect(await page.locator('#bucket').textContent()).toMatch(/^one bar per 12h;/);
    const bars = await page.locator('#chart rect[data-kind="hits"]').count();
    expect(bars).toBeGreaterThanOrEqual(58);
    expect(bars).toBeLessThanOrEqual(61);
    const labels = await readableTimeLabels(page);
    for (const label of labels) expect(label).not.toMatch(/:/); // dates, not clock times
    await screenshot(page, 'dashboard-month.png');
    const expected = { '1h': '1m', '24h': '30m', '7d': '3h', '30d': '12h', all: '12h' };
    for (const [range, bucket] of Object.entries(expected)) {
      await page.selectOption('#range', range);
      await expect.poll(() => page.locator('#bucket').textContent()).toMatch(new RegExp(`^one bar per ${bucket};`));
      expect(await page.locator('#chart rect[data-kind="hits"]').count()).toBeLessThanOrEqual(62);
      await readableTimeLabels(page);
    }
    await page.close();
  });
});

describe('cachet serve in Chromium', () => {
  it('renders functions, sizes, hit rates over time and expiring entries', async () => {
    const { url } = await serve();
    const page = await openDashboard(url);
    const row = (fn: string) => page.locator(`#functions tbody tr[data-fn="${fn}"]`);
    // By default the page shows everything counted (here, forty days); the last hour in minutes:
    expect(await page.locator('#range').inputValue()).toBe('all');
    await page.selectOption('#range', '1h');
    await expect.poll(() => page.locator('#bucket').textContent()).toMatch(/^one bar per 1m;/);
    await expect
      .poll(() => row('users.load').locator('td').allTextContents())
      .toEqual(['users.load', '6', '744 B', '3', '3', '6', '2', '27.3%', '45.5%', '', 'Clear…']);
    expect(await row('reports.render').locator('td').nth(2).textContent()).toBe('196 KiB');
    expect(await row('format.label').locator('button').count()).toBe(0); // nothing stored, nothing to clear
    expect(await page.locator('[data-card="Entries"] b').textContent()).toBe('23');
    // The last hour's calls: search.query reported at four different minutes, the rest now.
    const bars = page.locator('#chart rect[data-kind]');
    expect(await page.locator('#chart rect[data-kind="hits"]').count()).toBeGreaterThanOrEqual(4);
    expect(await bars.count()).toBeGreaterThanOrEqual(8);
    expect(await page.locator('#chart polyline').count()).toBe(1);
    expect(await row('search.query').locator('svg polyline').count()).toBe(1);
    const expiring = await page.locator('#expiring tbody tr td:first-child').allTextContents();
    expect(expiring.slice(0, 2)).toEqual(['geo.lookup', 'geo.lookup']);
    expect(expiring.filter((fn) => fn === 'users.load')).toHaveLength(6);
    expect(await page.locator('#expiring tbody tr').first().locator('td').nth(2).textContent()).toMatch(
      /^in 9m( \d+s)?$/,
    );

    mkdirSync(screenshotDir, { recursive: true });
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(join(screenshotDir, 'dashboard.png'), png);
    // The screenshot itself shows data: green hit bars, red miss bars, and the blue hit-rate line.
    expect(await pixelsNear(page, png, [0x2e, 0x9d, 0x5b])).toBeGreaterThan(1000);
    expect(await pixelsNear(page, png, [0xd9, 0x53, 0x4f])).toBeGreaterThan(1000);
    expect(await pixelsNear(page, png, [0x3a, 0x6f, 0xd8])).toBeGreaterThan(400);
    await page.close();
  });

  it('clears a function only after confirmation', async () => {
    const { dir, url } = await serve();
    const page = await openDashboard(url);
    const row = page.locator('#functions tbody tr[data-fn="geo.lookup"]');
    await row.getByRole('button', { name: 'Clear…' }).click();
    await expect.poll(() => page.locator('#confirm').isVisible()).toBe(true);
    expect(await page.locator('#confirm-text').textContent()).toBe('Remove all 2 entries of geo.lookup?');
    await page.locator('#confirm-cancel').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Nothing cleared.');
    expect(await entriesOf(dir, 'geo.lookup')).toBe(2);

    await row.getByRole('button', { name: 'Clear…' }).click();
    await page.locator('#confirm-ok').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Removed 2 entries of geo.lookup.');
    await expect.poll(() => row.locator('td.entries').textContent()).toBe('0');
    expect(await entriesOf(dir, 'geo.lookup')).toBe(0);
    expect(await entriesOf(dir, 'users.load')).toBe(6);
    await page.close();
  });

  it('refuses a wrong Host (DNS rebinding) and a change without the page’s token (CSRF)', async () => {
    const { dir, url } = await serve();
    const { port } = new URL(url);
    const host = `127.0.0.1:${port}`;
    const page = await raw(url, 'GET', '/', { Host: host });
    expect(page.status).toBe(200);
    const token = /name="cachet-token" content="([^"]+)"/.exec(page.body)?.[1] as string;
    expect(token).toMatch(/^[\w-]{32}$/);
    const json = { 'Content-Type': 'application/json' };
    const clear = JSON.stringify({ fn: 'users.load' });

    // A rebound name reaches the loopback address, but names another host: nothing is served.
    const rebound = await raw(url, 'GET', '/api/overview', { Host: `attacker.example:${port}` });
    expect(rebound).toMatchObject({ status: 403, body: expect.stringContaining('Host header') });
    expect((await raw(url, 'GET', '/', { Host: `attacker.example:${port}` })).body).not.toContain(token);
    const reboundClear = await raw(
      url,
      'POST',
      '/api/clear',
      { ...json, Host: `attacker.example:${port}`, 'X-Cachet-Token': token },
      clear,
    );
    expect(reboundClear.status).toBe(403);

    // A cross-site form or fetch has no token, and cannot read the page to learn it.
    const noToken = await raw(
      url,
      'POST',
      '/api/clear',
      { ...json, Host: host, Origin: 'https://attacker.example' },
      clear,
    );
    expect(noToken).toMatchObject({ status: 403 });
    const wrongToken = await raw(
      url,
      'POST',
      '/api/clear',
      { ...json, Host: host, 'X-Cachet-Token': 'x'.repeat(32) },
      clear,
    );
    expect(wrongToken).toMatchObject({ status: 403, body: expect.stringContaining('x-cachet-token') });
    const foreignOrigin = await raw(
      url,
      'POST',
      '/api/clear',
      { ...json, Host: host, Origin: 'https://attacker.example', 'X-Cachet-Token': token },
      clear,
    );
    expect(foreignOrigin).toMatchObject({ status: 403 });
    const formPost = await raw(
      url,
      'POST',
      '/api/clear',
      { Host: host, 'Content-Type': 'text/plain', 'X-Cachet-Token': token },
      clear,
    );
    expect(formPost.status).toBe(403);
    expect((await raw(url, 'GET', '/api/clear', { Host: host })).status).toBe(405);
    expect(await entriesOf(dir, 'users.load')).toBe(6);

    // The page's own request, with the token and the loopback Host, is accepted.
    const ok = await raw(url, 'POST', '/api/clear', { ...json, Host: host, 'X-Cachet-Token': token }, clear);
    expect(ok).toMatchObject({ status: 200 });
    expect(JSON.parse(ok.body)).toEqual({ fn: 'users.load', removed: 6 });
    expect(await entriesOf(dir, 'users.load')).toBe(0);
  });
});
