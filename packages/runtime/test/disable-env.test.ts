import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// The environment is read when the runtime starts; this file gets its own module graph.
process.env.CACHET_DISABLE = '1';
const { cached, clear, close, configure } = await import('../src/index.js');

it('CACHET_DISABLE=1 turns all caching off', () => {
  let runs = 0;
  const f = cached((n: number) => n + runs++ * 0, { id: 'env-disabled', storage: 'memory' });
  f(1);
  f(1);
  expect(runs).toBe(2);
});

it('CACHET_DISABLE=1 touches no disk: no cache directory or database is created', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'cachet-disabled-'));
  const dir = join(parent, 'cache');
  try {
    configure({ dir });
    let runs = 0;
    const f = cached(async (n: number) => n + runs++ * 0, { id: 'env-disabled-tiered', storage: 'tiered' });
    await f(1);
    await f(1);
    expect(runs).toBe(2);
    await clear();
    await close();
    expect(existsSync(dir)).toBe(false);
  } finally {
    rmSync(parent, { recursive: true, force: true });
    delete process.env.CACHET_DISABLE;
  }
});
