/**
 * The store conformance kit as a third-party author meets it: `@cachet/runtime/store` imported
 * from the built package, run under `node --test` (not vitest), passing a correct store and
 * failing one that answers by hash alone.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeStore } from '../src/store-kit.js';

const fixture = fileURLToPath(new URL('./fixtures/map-store.test.mjs', import.meta.url));

function nodeTest(store: 'careful' | 'careless'): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', fixture], {
    encoding: 'utf8',
    env: { ...process.env, STORE: store, NODE_OPTIONS: '' },
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('describeStore under node --test', () => {
  it('passes a store that keeps the contract', () => {
    const { status, output } = nodeTest('careful');
    expect(output).toMatch(/store contract: map store/);
    expect(output).toMatch(/never returns an entry whose key text differs/);
    expect(output).toMatch(/ℹ fail 0/);
    expect(status).toBe(0);
  });

  it('fails a store that answers by hash alone, naming the broken case', () => {
    const { status, output } = nodeTest('careless');
    expect(status).not.toBe(0);
    expect(output).toMatch(/✖ never returns an entry whose key text differs, even at the same hash/);
  });
});

describe('describeStore without a runner', () => {
  it('asks for one with CACHET_E_CONFIG when the runner has no globals', () => {
    expect(() => describeStore('x', { create: () => ({}) as never })).toThrow(
      expect.objectContaining({ code: 'CACHET_E_CONFIG', message: expect.stringMatching(/describe, it, afterEach/) }),
    );
  });
});
