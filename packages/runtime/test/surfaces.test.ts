/**
 * The runtime's entry points by audience, as the built package exposes them: applications
 * (`@cachet/runtime`), store authors (`/store`), tools (`/admin`), generated code (`/internal`).
 * They are bundled (scripts/bundle-runtime.mjs): a few files that share their code.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as root from '@cachet/runtime';
import * as admin from '@cachet/runtime/admin';
import * as internal from '@cachet/runtime/internal';
import * as store from '@cachet/runtime/store';
import { describe, expect, it } from 'vitest';

describe('runtime entry points', () => {
  it('give applications the calls they make, and nothing for stores or tools', () => {
    expect(Object.keys(root)).toEqual(
      expect.arrayContaining(['cached', 'configure', 'invalidate', 'clear', 'peek', 'stats', 'close', 'cacheKey']),
    );
    for (const name of [
      'createSqliteStore',
      'createFsStore',
      'encodeValue',
      'decodeValue',
      'describeStore',
      'define',
    ]) {
      expect(root).not.toHaveProperty(name);
    }
  });

  it('give store authors the codecs, the conformance kit and the NOT_FOUND of getFresh', () => {
    expect(Object.keys(store).sort()).toEqual(
      [
        'NOT_FOUND',
        'decodeValue',
        'describeStore',
        'encodeValue',
        'encodedBytes',
        'encodedSize',
        'entry',
        'entryKey',
      ].sort(),
    );
  });

  it('give tools the cache directory stores', () => {
    expect(Object.keys(admin).sort()).toEqual(['createFsStore', 'createSqliteStore']);
  });

  it('keep what generated code imports where it was', () => {
    expect(Object.keys(internal)).toEqual(expect.arrayContaining(['define', 'bind', 'reflectArgs', 'proto']));
  });

  it('share one runtime: what one entry throws is an error class of the others', () => {
    let thrown: unknown;
    try {
      admin.createSqliteStore({ dir: '', inlineLimit: -1 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(root.CachetConfigError);
    expect(root.isCachetError(thrown)).toBe(true);
  });

  it('load as a few files in a fresh process, not the modules of the runtime one by one', () => {
    // Counts the files of this package that Node loads for the entry generated code imports.
    const script = `
      import { registerHooks } from 'node:module';
      const files = new Set();
      registerHooks({ load(url, context, next) { if (url.includes('/packages/runtime/')) files.add(url); return next(url, context); } });
      await import('@cachet/runtime/internal');
      console.log(JSON.stringify([...files]));`;
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const files = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' }),
    ) as string[];
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((file) => file.includes('/dist/bundle/'))).toBe(true);
    expect(files.length).toBeLessThanOrEqual(8);
  });
});
