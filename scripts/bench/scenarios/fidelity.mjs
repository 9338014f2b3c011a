/** Value fidelity: which tools hand back Date, Map, Set, bigint and Uint8Array intact, per tier. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cached, close, configure } from '@cachet/runtime';
import asyncCacheDedupe from 'async-cache-dedupe';
import { BentoCache, bentostore } from 'bentocache';
import { fileDriver } from 'bentocache/drivers/file';
import { memoryDriver } from 'bentocache/drivers/memory';

const samples = {
  Date: () => new Date(86_400_000),
  Map: () => new Map([['a', 1]]),
  Set: () => new Set(['x']),
  bigint: () => 12345678901234567890n,
  Uint8Array: () => new Uint8Array([1, 2, 255]),
};

function intact(kind, value) {
  switch (kind) {
    case 'Date':
      return value instanceof Date && value.getTime() === 86_400_000;
    case 'Map':
      return value instanceof Map && value.get('a') === 1;
    case 'Set':
      return value instanceof Set && value.has('x');
    case 'bigint':
      return value === 12345678901234567890n;
    default:
      return value instanceof Uint8Array && value.length === 3 && value[2] === 255;
  }
}

/** Each subject: a name and `roundTrip(kind, make)` that stores a value and reads it back from the tier named. */
function subjects(dir) {
  let n = 0;
  const viaCachet = (storage) => async (kind, make) => {
    const id = `fidelity-${storage}-${kind}-${++n}`;
    const first = cached(async () => make(), { id, storage });
    await first();
    // The memory tier belongs to the function object: read it back through the same one. For
    // persistent tiers a new function object with the same id reads with its memory cold.
    return storage === 'memory' ? first() : cached(async () => 'recomputed', { id, storage })();
  };
  const bento = (driver) => async (kind, make) => {
    const cache = new BentoCache({ default: 's', stores: { s: driver() } });
    const key = `${kind}-${++n}`;
    await cache.getOrSet({ key, factory: make, ttl: '1h' });
    const value = await cache.get({ key });
    await cache.disconnectAll();
    return value;
  };
  return {
    'Cachet memory': viaCachet('memory'),
    'Cachet sqlite': viaCachet('sqlite'),
    'Cachet fs (blob files)': viaCachet('fs'),
    'bentocache memory': bento(() => bentostore().useL1Layer(memoryDriver({ maxItems: 100 }))),
    'bentocache file': bento(() => bentostore().useL2Layer(fileDriver({ directory: join(dir, 'bento') }))),
    'async-cache-dedupe memory': async (kind, make) => {
      const cache = asyncCacheDedupe.createCache({ ttl: 60, storage: { type: 'memory' } });
      cache.define('f', async () => make());
      await cache.f(kind);
      return cache.f(kind);
    },
  };
}

export async function fidelity() {
  const dir = mkdtempSync(join(tmpdir(), 'cachet-fidelity-'));
  configure({ dir });
  const rows = [];
  try {
    for (const [name, roundTrip] of Object.entries(subjects(dir))) {
      const row = { name, correct: true };
      for (const [kind, make] of Object.entries(samples)) {
        try {
          row[kind] = intact(kind, await roundTrip(kind, make));
        } catch (error) {
          row[kind] = false;
          row.error = String(error?.message ?? error).slice(0, 80);
        }
      }
      rows.push(row);
    }
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Value fidelity (stored, then read back with the memory tier cold)',
    rows,
    kind: 'fidelity',
    columns: Object.keys(samples),
  };
}
