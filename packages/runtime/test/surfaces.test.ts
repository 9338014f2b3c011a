/**
 * The runtime's entry points by audience, as the built package exposes them: applications
 * (`@cachet/runtime`), store authors (`/store`), tools (`/admin`), generated code (`/internal`).
 */
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
});
