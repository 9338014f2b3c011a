import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Cache, openCache } from '../cache.js';
import { CliError, EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { type Assets, loadAssets } from './assets.js';
import { overview } from './data.js';
import { isRange, RANGES } from './timeline.js';

/** Options of `startDashboard` (and `cachet serve`). */
export interface DashboardOptions {
  /** The cache directory; it must hold `cache.db`. */
  readonly dir: string;
  /** The port on 127.0.0.1; 0 picks a free one. @default 7373 */
  readonly port?: number;
  /** Warnings and the clock. */
  readonly io: Io;
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Stops listening and closes the cache. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 7373;
/** Header that carries the per-run token on requests that change anything. */
export const TOKEN_HEADER = 'x-cachet-token';
const MAX_BODY = 4096;

/** The page may load its own script and style, fetch from this server, and nothing else. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface State {
  readonly cache: Cache;
  readonly assets: Assets;
  readonly io: Io;
  readonly token: Buffer;
  /** Host header values that name this server: the loopback address (or localhost) and its port. */
  readonly hosts: ReadonlySet<string>;
  readonly origins: ReadonlySet<string>;
}

/**
 * Serves the dashboard on 127.0.0.1 only. Safe to leave running: every request must name the
 * loopback address in its Host header (a DNS-rebinding page names its own host), and requests
 * that change anything must be POSTs carrying the token of this run, which only the page served
 * here knows (a cross-site page can neither read it nor send the header without a preflight this
 * server never grants).
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const assets = loadAssets();
  const cache = openCache(options.io, options.dir);
  const server = createServer();
  try {
    await listen(server, options.port ?? DEFAULT_PORT);
  } catch (error) {
    cache.store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const state: State = {
    cache,
    assets,
    io: options.io,
    token: randomBytes(24),
    hosts: new Set([`127.0.0.1:${port}`, `localhost:${port}`]),
    origins: new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(state, req, res).catch((error: unknown) => {
      options.io.stderr.write(`cachet serve: ${req.method} ${req.url} failed: ${String(error)}\n`);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error; see the terminal running cachet serve');
      else res.end();
    });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        cache.store.close();
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'EADDRINUSE'
          ? `port ${port} is in use; pick another with --port <n> (0: any free port)`
          : error.message;
      reject(new CliError(message, EXIT.failed));
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!state.hosts.has(req.headers.host ?? '')) {
    send(res, 403, 'text/plain', 'forbidden: the Host header must name 127.0.0.1 (or localhost) and this port');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const route = `${req.method} ${url.pathname}`;
  const asset = state.assets.get(route);
  if (asset !== undefined) {
    res.setHeader('Content-Security-Policy', CSP);
    send(res, 200, asset.type, asset.body(state.token.toString('base64url')));
  } else if (route === 'GET /api/overview') {
    const range = url.searchParams.get('range') ?? 'all';
    if (!isRange(range)) return send(res, 400, 'text/plain', `range must be one of ${Object.keys(RANGES).join(', ')}`);
    sendJson(res, 200, overview(state.cache, state.io.now(), range));
  } else if (route === 'POST /api/clear') {
    const refusal = refuseChange(state, req);
    if (refusal !== undefined) return send(res, 403, 'text/plain', `forbidden: ${refusal}`);
    const body = await readJson(req);
    const fn = body?.fn;
    if (fn !== undefined && fn !== null && typeof fn !== 'string')
      return send(res, 400, 'text/plain', 'fn must be a string');
    const removed = state.cache.store.clear(fn ?? undefined);
    sendJson(res, 200, { fn: fn ?? null, removed });
  } else if (state.assets.has(`GET ${url.pathname}`) || url.pathname.startsWith('/api/')) {
    send(res, 405, 'text/plain', 'method not allowed');
  } else {
    send(res, 404, 'text/plain', 'not found');
  }
}

/** Why a request that changes something is refused, or undefined when it may go ahead. */
function refuseChange(state: State, req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && !state.origins.has(origin)) return `requests from ${origin} may not change the cache`;
  const given = req.headers[TOKEN_HEADER];
  const token = typeof given === 'string' ? Buffer.from(given) : undefined;
  const expected = Buffer.from(state.token.toString('base64url'));
  if (token === undefined || token.length !== expected.length || !timingSafeEqual(token, expected))
    return `missing or wrong ${TOKEN_HEADER} header (reload the dashboard page)`;
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return 'the body must be application/json';
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<{ fn?: unknown } | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new CliError('request body too large', EXIT.usage);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  const value = JSON.parse(text) as unknown;
  return typeof value === 'object' && value !== null ? (value as { fn?: unknown }) : undefined;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}
