import { expect, it } from 'vitest';

// The environment is read when the runtime starts; this file gets its own module graph.
process.env.CACHET_DISABLE = '1';
const { cached } = await import('../src/index.js');

it('CACHET_DISABLE=1 turns all caching off', () => {
  let runs = 0;
  const f = cached((n: number) => n + runs++ * 0, { id: 'env-disabled', storage: 'memory' });
  f(1);
  f(1);
  expect(runs).toBe(2);
  delete process.env.CACHET_DISABLE;
});
