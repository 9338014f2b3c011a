/**
 * Bundles the runtime's entry points (packages/runtime/dist, as tsc wrote it) into a few files
 * under packages/runtime/dist/bundle/, which the package's exports name (part of `npm run build`).
 *
 * Why: Node loads an ES module graph file by file (resolve, read, compile, link), and the runtime
 * is about 60 modules, so a process that imports `@cachet/runtime/internal` unbundled spends most
 * of its start-up on the module count rather than the code; a bundler that builds an app with
 * cached functions resolves and reads each of them too. The entries share their code through
 * chunks (esbuild's splitting), so `@cachet/runtime` and `@cachet/runtime/internal` imported in one
 * process are still one runtime. The browser entries are bundled on their own (no Node built-ins).
 * Source maps lead back to the TypeScript sources (through tsc's maps).
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../packages/runtime/dist/', import.meta.url));
const out = `${dist}bundle`;

const common = {
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: 'linked',
  // Dependencies stay imports (xxhash-wasm, better-sqlite3 when it is used): the app resolves them.
  packages: 'external',
  logLevel: 'warning',
};

rmSync(out, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ['index', 'internal', 'store-kit', 'admin', 'duration', 'options'].map((name) => `${dist}${name}.js`),
  platform: 'node',
  chunkNames: 'chunks/node-[hash]',
});
await build({
  ...common,
  entryPoints: ['index.browser', 'internal.browser'].map((name) => `${dist}${name}.js`),
  platform: 'browser',
  chunkNames: 'chunks/browser-[hash]',
});
