/** 1000 concurrent cold calls of one key: how many times does the function run? */
import { compiledFunctions, pluginOutput } from '../compiled.mjs';
import { asyncPeers, cachet } from '../peers.mjs';

export async function herd() {
  const factories = {
    'Map of awaited values (no herd)': (fn) => {
      const map = new Map();
      return async (q) => {
        const key = JSON.stringify(q);
        if (map.has(key)) return map.get(key);
        const value = await fn(q);
        map.set(key, value);
        return value;
      };
    },
    'Cachet (plugin output)': pluginOutput(await compiledFunctions(), 'herd', 'herd'),
    'Cachet cached() (reflective)': (fn) => cachet(fn),
    ...asyncPeers,
  };
  const rows = [];
  for (const [name, make] of Object.entries(factories)) {
    let runs = 0;
    const memo = make(async (q) => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return q.user;
    });
    const results = await Promise.all(Array.from({ length: 1000 }, () => memo({ user: 'u', limit: 1, tags: ['a'] })));
    rows.push({ name, executions: runs, correct: results.every((r) => r === 'u') });
  }
  return { title: '1000 concurrent cold calls of one key', baseline: undefined, rows, kind: 'count' };
}
