/**
 * Bundles the dashboard's browser code and style (packages/cli/src/serve/ui) into
 * packages/cli/dist/dashboard/, beside the page, for `cachet serve` (part of `npm run build`).
 * The browser code imports the CLI's own formatters (src/format.ts), so page and terminal agree.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ui = fileURLToPath(new URL('../packages/cli/src/serve/ui/', import.meta.url));
const out = fileURLToPath(new URL('../packages/cli/dist/dashboard/', import.meta.url));

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [
    { in: `${ui}main.ts`, out: 'dashboard' },
    { in: `${ui}style.css`, out: 'dashboard' },
  ],
  outdir: out,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(`${ui}index.html`, `${out}index.html`);
