/**
 * The dashboard ships as files `npm run build` bundles (scripts/bundle-dashboard.mjs): the packed
 * @cachet/cli must hold them, and its browser code must be built from the CLI's formatters.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../packages/cli/', import.meta.url));

describe('the @cachet/cli package', () => {
  it('packs the bundled dashboard: page, script and style', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: cli });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const files = (packed?.files ?? []).map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/dashboard/index.html',
        'dist/dashboard/dashboard.js',
        'dist/dashboard/dashboard.css',
      ]),
    );
  });

  it('bundles the page script from the CLI formatters, without a second copy', () => {
    const script = readFileSync(`${cli}dist/dashboard/dashboard.js`, 'utf8');
    // format.ts's unit list and its key-text escaping, once each.
    expect(script.match(/"KiB","MiB"/g)).toHaveLength(1);
    expect(script).toContain('padStart(2,"0")');
    expect(readFileSync(`${cli}dist/dashboard/index.html`, 'utf8')).toContain('<script src="/dashboard.js" defer>');
  });
});
