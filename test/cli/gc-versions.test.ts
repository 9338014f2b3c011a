/**
 * `version=2` drops older entries: after two deploys into one real cache directory, `cachet gc`
 * removes the entries (and blob files) of each function's older version and keeps the current
 * one's, and a function whose version did not change keeps everything.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cachet, cachetJson, removeTemps, tempDir } from './helpers.js';

const run = promisify(execFile);
const deploy = fileURLToPath(new URL('./fixtures/deploy.mjs', import.meta.url));

interface Listed {
  readonly functions: { fn: string; entries: number; versions: string[] }[];
}

afterAll(removeTemps);

async function deployed(dir: string, ...versions: string[]): Promise<void> {
  for (const [i, version] of versions.entries()) {
    const hoursAgo = String(versions.length - i);
    await run(process.execPath, [deploy, version, hoursAgo], { env: { ...process.env, CACHET_DIR: dir } });
  }
}

const blobFiles = (dir: string): number =>
  readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;

describe('cachet gc and versions', () => {
  it('removes the entries of older versions and keeps the current ones', async () => {
    const dir = join(tempDir(), 'cache');
    await deployed(dir, '1', '2');
    const before = await cachetJson<Listed>(['list', '--dir', dir]);
    expect(before.functions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fn: 'users.load', entries: 4, versions: ['1', '2'] }),
        expect.objectContaining({ fn: 'reports.render', entries: 2, versions: ['1', '2'] }),
        expect.objectContaining({ fn: 'format.label', entries: 2, versions: ['1'] }),
      ]),
    );
    expect(blobFiles(dir)).toBe(2);

    expect(await cachetJson(['gc', '--dir', dir])).toMatchObject({ removed: 4, expired: 0, olderVersions: 4 });

    const after = await cachetJson<Listed>(['list', '--dir', dir]);
    expect(after.functions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fn: 'users.load', entries: 1, versions: ['2'] }),
        expect.objectContaining({ fn: 'reports.render', entries: 1, versions: ['2'] }),
        expect.objectContaining({ fn: 'format.label', entries: 2, versions: ['1'] }),
      ]),
    );
    expect(blobFiles(dir)).toBe(1);
    expect((await cachet(['gc', '--dir', dir])).stdout).toBe('removed 0 expired entries and files\n');
  });

  it('treats the version used last as current, so going back to an earlier version keeps its entries', async () => {
    const dir = join(tempDir(), 'cache');
    await deployed(dir, '1', '2', '1');
    const { stdout } = await cachet(['gc', '--dir', dir]);
    expect(stdout).toBe('removed 0 expired entries and files and 2 entries of older versions\n');
    const { functions } = await cachetJson<Listed>(['list', '--dir', dir]);
    expect(functions.find((f) => f.fn === 'users.load')).toMatchObject({ entries: 3, versions: ['1'] });
  });
});
