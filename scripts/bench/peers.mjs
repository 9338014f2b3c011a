/**
 * The tools users would pick instead of Cachet, each configured fairly: an explicit capacity
 * (moize keeps one entry by default), a ttl where a library caches nothing without one
 * (async-cache-dedupe), and both by-reference and serialising modes where a library offers both.
 *
 * Every factory takes the function to memoise and returns the memoised one (one argument).
 */
import { cached } from '@cachet/runtime';
import asyncCacheDedupe from 'async-cache-dedupe';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { LRUCache } from 'lru-cache';
import memoize from 'memoizee';
import moize from 'moize';
import pMemoize from 'p-memoize';

export const CAPACITY = 10_000;
let ids = 0;

/** The limit: a hand-written memo with a hash and an equality check made for the argument type. */
export function handWritten(fn, { hash, equals, copy }) {
  const table = new Map();
  let size = 0;
  return (arg) => {
    const h = hash(arg);
    for (let node = table.get(h); node !== undefined; node = node.next) if (equals(node.key, arg)) return node.value;
    const value = fn(arg);
    if (size >= CAPACITY) {
      table.clear(); // crude, but the hit path is what this stands for
      size = 0;
    }
    table.set(h, { key: copy(arg), value, next: table.get(h) });
    size++;
    return value;
  };
}

/** A promise memo by hand: the same promise for equal arguments. */
export function handWrittenAsync(fn, encoder) {
  return handWritten(fn, encoder);
}

export function jsonMap(fn) {
  const lru = new Map();
  return (arg) => {
    const key = JSON.stringify(arg);
    let value = lru.get(key);
    if (value === undefined && !lru.has(key)) {
      if (lru.size >= CAPACITY) lru.delete(lru.keys().next().value);
      lru.set(key, (value = fn(arg)));
    }
    return value;
  };
}

export const syncPeers = {
  'JSON.stringify + Map': (fn) => jsonMap(fn),
  'memoizee (by reference)': (fn) => memoize(fn, { max: CAPACITY, length: 1 }),
  'memoizee (normalizer: JSON.stringify)': (fn) =>
    memoize(fn, { max: CAPACITY, length: 1, normalizer: (args) => JSON.stringify(args[0]) }),
  'moize (deep equal)': (fn) => moize(fn, { maxSize: CAPACITY, isDeepEqual: true }),
  'moize (serialized)': (fn) => moize(fn, { maxSize: CAPACITY, isSerialized: true }),
  'lru-cache memo (JSON key)': (fn) => {
    const cache = new LRUCache({ max: CAPACITY, memoMethod: (_key, _old, { context }) => fn(context) });
    return (arg) => cache.memo(JSON.stringify(arg), { context: arg });
  },
};

export const asyncPeers = {
  'p-memoize (cacheKey: JSON.stringify)': (fn) =>
    pMemoize(fn, { cache: new LRUCache({ max: CAPACITY }), cacheKey: ([arg]) => JSON.stringify(arg) }),
  'memoizee (promise, normalizer: JSON)': (fn) =>
    memoize(fn, { promise: true, max: CAPACITY, length: 1, normalizer: (args) => JSON.stringify(args[0]) }),
  'async-cache-dedupe (ttl 60 s)': (fn) => {
    const cache = asyncCacheDedupe.createCache({ ttl: 60, storage: { type: 'memory', options: { size: CAPACITY } } });
    cache.define('fn', fn);
    return (arg) => cache.fn(arg);
  },
  'bentocache (memory, JSON key)': (fn) => {
    const bento = new BentoCache({
      default: 'memory',
      stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: CAPACITY })) },
    });
    return (arg) => bento.getOrSet({ key: JSON.stringify(arg), factory: () => fn(arg), ttl: '1h' });
  },
};

/** `cached()` with its reflective encoder, as plain JavaScript would use Cachet. */
export function cachet(fn) {
  return cached(fn, { id: `bench-${++ids}`, storage: 'memory' });
}
