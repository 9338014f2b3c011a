/**
 * The dashboard's files, as `npm run build` bundles them from `serve/ui/` into `dist/dashboard/`
 * (scripts/bundle-dashboard.mjs): the page, its script and its style, read once per server.
 */
import { readFileSync } from 'node:fs';
import { CliError, EXIT } from '../errors.js';

/** Where the bundled files are, beside this module's compiled file. */
const DIR = new URL('../dashboard/', import.meta.url);

/** The page's placeholder for the per-run token (the only thing that varies per server). */
const TOKEN = '{{token}}';

export interface Asset {
  readonly type: string;
  /** The body, with the token of this run where the page asks for it. */
  body(token: string): string;
}

/** Assets by route: `GET /`, `GET /dashboard.js`, `GET /dashboard.css`. */
export type Assets = ReadonlyMap<string, Asset>;

export function loadAssets(): Assets {
  const read = (name: string): string => {
    try {
      return readFileSync(new URL(name, DIR), 'utf8');
    } catch (error) {
      throw new CliError(
        `the dashboard's files are missing (${(error as Error).message}); rebuild @cachet/cli`,
        EXIT.failed,
      );
    }
  };
  const page = read('index.html');
  const script = read('dashboard.js');
  const style = read('dashboard.css');
  return new Map<string, Asset>([
    ['GET /', { type: 'text/html; charset=utf-8', body: (token) => page.replace(TOKEN, token) }],
    ['GET /dashboard.js', { type: 'text/javascript; charset=utf-8', body: () => script }],
    ['GET /dashboard.css', { type: 'text/css; charset=utf-8', body: () => style }],
  ]);
}
