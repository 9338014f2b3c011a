/**
 * Bytes per memory-tier entry for small keys and values: 100k entries (a number argument, a number
 * value) held by a plain `Map`, by lru-cache, and by Cachet's memory tier through the plugin's
 * output and through `cached()`. Each figure is the growth of `heapUsed` plus `arrayBuffers` (the
 * backing stores of typed arrays, which live outside the JS heap) after full collections (node
 * --expose-gc), divided by the entries: what an entry costs beyond its key and value.
 * Run: npm run build && node --expose-gc scripts/bench/memory-per-entry.mjs [--smoke] [--json]
 */
import { cached, clear, configure } from '@cachet/runtime';
import { LRUCache } from 'lru-cache';
import { compiledFunctions } from './compiled.mjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const args = process.argv.slice(2);
const ENTRIES = args.includes('--smoke') ? 10_000 : 100_000;
configure({ memory: { maxEntries: 2 * ENTRIES } });
const compiled = await compiledFunctions();
compiled.bodies.number = (n) => n * 2;
const reflective = cached((i) => i * 2, { id: 'bench#memory-per-entry', storage: 'memory' });

/** Bytes in use: the JS heap, and the backing stores of array buffers (typed arrays keep theirs off the heap). */
function heap() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * Heap growth per entry while `fill` holds ENTRIES entries, and whether every one reads back. A
 * first fill, dropped, warms up what is made once (compiled code, the runtime's own tables).
 */
async function perEntry(name, fill) {
  fill(ENTRIES);
  await clear();
  const before = heap();
  const read = fill(ENTRIES);
  const bytes = (heap() - before) / ENTRIES;
  let correct = true;
  for (let i = 0; i < ENTRIES; i += 97) if (read(i) !== i * 2) correct = false;
  return { name, bytes, correct };
}

const rows = [
  await perEntry('plain Map', (n) => {
    const map = new Map();
    for (let i = 0; i < n; i++) map.set(i, i * 2);
    return (i) => map.get(i);
  }),
  await perEntry('lru-cache', (n) => {
    const lru = new LRUCache({ max: n });
    for (let i = 0; i < n; i++) lru.set(i, i * 2);
    return (i) => lru.get(i);
  }),
  await perEntry('Cachet (plugin output)', (n) => {
    for (let i = 0; i < n; i++) compiled.numberHit(i);
    return (i) => compiled.numberHit(i);
  }),
  await perEntry('Cachet cached() (reflective)', (n) => {
    for (let i = 0; i < n; i++) reflective(i);
    return (i) => reflective(i);
  }),
];

const lru = rows.find((row) => row.name === 'lru-cache').bytes;
if (args.includes('--json')) {
  console.log(JSON.stringify({ entries: ENTRIES, rows }));
} else {
  console.log(`Bytes per entry, ${ENTRIES} entries, number key and value (heap and array-buffer growth after gc)`);
  for (const row of rows) {
    const flag = row.correct ? '' : '  WRONG VALUES';
    console.log(
      `  ${row.name.padEnd(30)} ${row.bytes.toFixed(1).padStart(7)} B  ${(row.bytes / lru).toFixed(2)}x lru-cache${flag}`,
    );
  }
}
