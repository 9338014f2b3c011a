/** Memory hits: one number argument, a fresh object argument (and with reordered keys), async. */
import { compiledFunctions, compiledFunctionsVite, pluginOutput } from '../compiled.mjs';
import { asyncPeers, CAPACITY, cachet, handWritten, syncPeers } from '../peers.mjs';
import { prepare, queries, queryEncoder, time } from './shared.mjs';

const CACHET = 'Cachet (plugin output)';
/** The same functions built by Vite instead of esbuild (compiled.mjs). */
const CACHET_VITE = 'Cachet (plugin output, Vite)';

const LIMIT = 'hand-written hash + equality memo';

export async function numberHit({ smoke }) {
  const input = (i) => i & 63;
  const factories = {
    'plain Map memo': (fn) => {
      const map = new Map();
      return (n) => {
        let v = map.get(n);
        if (v === undefined) map.set(n, (v = fn(n)));
        return v;
      };
    },
    [CACHET]: pluginOutput(await compiledFunctions(), 'numberHit', 'number'),
    [CACHET_VITE]: pluginOutput(await compiledFunctionsVite(), 'numberHit', 'number'),
    'Cachet cached() (reflective)': (fn) => cachet(fn),
    ...syncPeers,
  };
  const prepared = await prepare(
    factories,
    (n) => n * 2,
    input,
    64,
    (n) => n * 2,
  );
  return {
    title: 'Sync hit, one number argument',
    baseline: 'plain Map memo',
    rows: await time(prepared, input, { smoke }),
  };
}

export async function objectHit({ smoke, reorder = false }) {
  const input = queries(reorder);
  const body = (q) => `${q.user}:${q.limit}:${q.tags.join()}`;
  const factories = {
    [LIMIT]: (fn) => handWritten(fn, queryEncoder),
    [CACHET]: pluginOutput(
      await compiledFunctions(),
      reorder ? 'objectHitReordered' : 'objectHit',
      reorder ? 'reordered' : 'object',
    ),
    [CACHET_VITE]: pluginOutput(
      await compiledFunctionsVite(),
      reorder ? 'objectHitReordered' : 'objectHit',
      reorder ? 'reordered' : 'object',
    ),
    'Cachet cached() (reflective)': (fn) => cachet(fn),
    ...syncPeers,
  };
  const prepared = await prepare(factories, body, input, 256, body);
  const title = reorder
    ? 'Sync hit, fresh object argument, keys in another order half the time'
    : 'Sync hit, fresh object argument { user, limit, tags: string[] }';
  return { title, baseline: LIMIT, rows: await time(prepared, input, { smoke }) };
}

export async function asyncHit({ smoke }) {
  const input = queries();
  const body = async (q) => `${q.user}:${q.limit}:${q.tags.join()}`;
  const factories = {
    'hand-written promise memo': (fn) => handWritten(fn, queryEncoder),
    [CACHET]: pluginOutput(await compiledFunctions(), 'asyncHit', 'async'),
    [CACHET_VITE]: pluginOutput(await compiledFunctionsVite(), 'asyncHit', 'async'),
    'Cachet cached() (reflective)': (fn) => cachet(fn),
    ...asyncPeers,
  };
  const prepared = await prepare(factories, body, input, 256, (q) => `${q.user}:${q.limit}:${q.tags.join()}`);
  return {
    title: 'Async hit, fresh object argument',
    baseline: 'hand-written promise memo',
    rows: await time(prepared, input, { async: true, smoke }),
  };
}

/** Every call misses: keys cycle over twice the capacity, so each call computes, stores and evicts. */
export async function missUnderEviction({ smoke }) {
  const keys = CAPACITY * 2;
  const input = (i) => `key-${i % keys}`;
  const body = (key) => key.length;
  const factories = {
    'JSON.stringify + Map': syncPeers['JSON.stringify + Map'],
    [CACHET]: pluginOutput(await compiledFunctions(), 'missUnderEviction', 'miss'),
    'Cachet cached() (reflective)': (fn) => cachet(fn),
    'memoizee (by reference)': syncPeers['memoizee (by reference)'],
    'moize (serialized)': syncPeers['moize (serialized)'],
    'lru-cache memo (JSON key)': syncPeers['lru-cache memo (JSON key)'],
  };
  const prepared = await prepare(factories, body, input, 16, body);
  return {
    title: `Miss + store under steady eviction (${CAPACITY} entries)`,
    baseline: 'JSON.stringify + Map',
    rows: await time(prepared, input, { smoke }),
  };
}
