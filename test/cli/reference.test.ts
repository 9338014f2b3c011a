/**
 * Each CLI option is declared once: parsing, `--help` and docs/cli.md's tables come from the
 * declaration. docs/cli.md must be what `npm run docs:cli` writes, and the defaults it documents
 * must be the ones a command applies (checked on a real cache, not on the declarations).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '@cachet/cli';
import { createSqliteStore } from '@cachet/runtime/admin';
import { afterAll, describe, expect, it } from 'vitest';
import { cliReference, fillRegions } from '../../packages/cli/dist/reference.js';
import { expectError } from '../support/expect-error.js';
import { cachet, cachetJson, removeTemps, tempDir } from './helpers.js';

const docsFile = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));
const docs = readFileSync(docsFile, 'utf8');

afterAll(removeTemps);

/** The documented default of `option` in the reference section of `command`. */
function documentedDefault(command: string, option: string): string | undefined {
  const section = docs.split(`### cachet ${command}\n`)[1]?.split('\n### ')[0] ?? '';
  const row = section.split('\n').find((line) => line.startsWith(`| \`${option}`));
  return row?.split(' | ')[1]?.replace(/`/g, '');
}

/** A cache directory holding `count` entries of the function `many`. */
function cacheOf(count: number): string {
  const dir = join(tempDir(), 'cache');
  const store = createSqliteStore({ dir });
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const key = { fn: 'many', version: '1', text: `many\u00001\u0000${i}`, hash: BigInt(i + 1) };
    store.set(key, {
      value: i,
      codec: 'json',
      createdAt: now,
      expiresAt: now + 3_600_000,
      staleUntil: now + 3_600_000,
    });
  }
  store.close();
  return dir;
}

describe('docs/cli.md', () => {
  it('is what npm run docs:cli writes from the declarations', () => {
    expect(fillRegions(docs, cliReference(commands))).toBe(docs);
  });

  it('drifts detectably: an edited table is rewritten, a lost table is an error', () => {
    const edited = docs.replace('| `--limit <n>` | `50` |', '| `--limit <n>` | `20` |');
    expect(edited).not.toBe(docs);
    expect(fillRegions(edited, cliReference(commands))).toBe(docs);
    const lost = docs.replace(/<!-- end cli-exit-codes -->/, '');
    expectError(() => fillRegions(lost, cliReference(commands)), { message: /cli-exit-codes/ });
  });

  it('documents every option of every command, as --help prints it', async () => {
    for (const command of commands) {
      const help = (await cachet([command.name, '--help'])).stdout;
      for (const name of Object.keys(command.options)) {
        expect(docs).toMatch(new RegExp(`\\| \`(-\\w, )?--${name}\\b`));
        expect(help).toMatch(new RegExp(`^  (-\\w, )?--${name}\\b`, 'm'));
      }
    }
  });
});

describe('documented defaults are the applied ones', () => {
  it('--limit: list shows the documented number of entries, show its own', async () => {
    const dir = cacheOf(60);
    const listed = await cachetJson<{ entries: unknown[] }>(['list', 'many', '--dir', dir]);
    expect(String(listed.entries.length)).toBe(documentedDefault('list', '--limit'));
    const shown = await cachetJson<{ entries: unknown[] }>(['show', 'many', '--dir', dir]);
    expect(String(shown.entries.length)).toBe(documentedDefault('show', '--limit'));
    expect(documentedDefault('list', '--limit')).not.toBe(documentedDefault('show', '--limit'));
  });

  it('--dir: $CACHET_DIR, else ./.cachet', async () => {
    expect(/\| `--dir <path>` \| `([^`]+)` \|/.exec(docs)?.[1]).toBe('$CACHET_DIR, else ./.cachet');
    const cwd = tempDir();
    const fromEnv = await cachet(['stats'], { cwd, env: { CACHET_DIR: 'elsewhere' } });
    expect(fromEnv.stderr).toContain(`no cache at ${join(cwd, 'elsewhere')} `);
    const fallback = await cachet(['stats'], { cwd, env: {} });
    expect(fallback.stderr).toContain(`no cache at ${join(cwd, '.cachet')} `);
  });

  it('--port: serve listens on the documented port', async () => {
    const port = Number(documentedDefault('serve', '-p, --port'));
    expect(port).toBe(7373);
    const dir = cacheOf(1);
    // Holding the port shows where serve tries to listen, without leaving a dashboard running.
    const holder = createServer();
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.listen(port, '127.0.0.1', resolve);
    }).catch(() => undefined); // already taken by something else: serve must still name it
    const ran = await cachet(['serve', '--dir', dir]);
    holder.close();
    expect(ran).toMatchObject({
      code: 1,
      stderr: `cachet: port ${port} is in use; pick another with --port <n> (0: any free port)\n`,
    });
    expect((await cachet(['serve', '--port', '65536'])).stderr).toContain('--port must be 0..65535, got "65536"');
  });
});
