/**
 * What the plugin costs a Vite build beyond compiling: no call into Node per module where no
 * plugin compiles TypeScript in `load` (Cachet's own load is then dropped when the config is
 * resolved), and a source map only for builds that write one.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = join(here, '../../../test/bundlers/fixture');
const root = join(here, '.tmp/vite-hooks');
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
cpSync(fixture, root, { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Hooked {
  load?: unknown;
  transform: { handler: (...args: unknown[]) => unknown };
}

/** A Vite library build of the fixture with `plugins`; what Cachet's transform returned. */
async function build(sourcemap: boolean, withTypescriptInLoad = false) {
  const { build: viteBuild } = await import('vite');
  const cachet = (await import('unplugin-cachet/vite')).default;
  const plugin = cachet({ cacheDir: false, defaults: { storage: 'memory' } }) as unknown as Hooked;
  const returned: unknown[] = [];
  const handler = plugin.transform.handler;
  plugin.transform.handler = function (this: unknown, ...args: unknown[]) {
    const result = handler.apply(this, args);
    if (result !== undefined && result !== null) returned.push(result);
    return result;
  };
  // Stands for @rollup/plugin-typescript, which Cachet recognises by its name and its load hook.
  const typescriptInLoad = { name: 'typescript', load: () => null };
  await viteBuild({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [plugin as never, ...(withTypescriptInLoad ? [typescriptInLoad] : [])],
    build: {
      lib: { entry: join(root, 'src/main.ts'), formats: ['es'], fileName: 'main' },
      outDir: join(root, `dist-${sourcemap}-${withTypescriptInLoad}`),
      sourcemap,
      minify: false,
      rollupOptions: { external: [/^@cachet\//] },
    },
  });
  return { plugin, returned: returned as { code: string; map?: unknown }[] };
}

describe('the Vite plugin', () => {
  it('drops its load hook unless a plugin compiles TypeScript in load', async () => {
    expect((await build(false)).plugin.load).toBeUndefined();
    expect((await build(false, true)).plugin.load).toBeDefined();
  }, 60_000);

  it('hands a source map to builds that write one, and none to builds that do not', async () => {
    const without = await build(false);
    expect(without.returned.length).toBeGreaterThan(0);
    for (const output of without.returned) expect(output.map).toBeUndefined();
    const withMaps = await build(true);
    expect(withMaps.returned.length).toBeGreaterThan(0);
    for (const output of withMaps.returned) expect(JSON.parse(output.map as string).mappings).not.toBe('');
  }, 60_000);
});
