/** Helpers the scenarios share: counted functions, correctness checks, hit rates. */
import { measure, measureAsync } from '../harness.mjs';

/** Wraps `body` so the scenario can tell how often the underlying function really ran. */
export function counted(body) {
  const fn = (arg) => {
    fn.runs++;
    return body(arg);
  };
  fn.runs = 0;
  return fn;
}

/** `{ user, limit, tags }` objects, fresh on every call; `reorder` builds half of them with keys in another order. */
export function queries(reorder = false) {
  const users = Array.from({ length: 64 }, (_, i) => `user-${i}`);
  return (i) =>
    reorder && i & 1
      ? { tags: ['a', 'bb', `c${i & 3}`], limit: 10 + (i & 1), user: users[i & 63] }
      : { user: users[i & 63], limit: 10 + (i & 1), tags: ['a', 'bb', `c${i & 3}`] };
}

const fnv = (h, s) => {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
};

/** What the compiler derives for `{ user: string; limit: number; tags: string[] }`. */
export const queryEncoder = {
  hash(q) {
    let h = fnv(2166136261, q.user);
    h = Math.imul(h ^ q.limit, 16777619);
    for (let i = 0; i < q.tags.length; i++) h = fnv(h, q.tags[i]);
    return h;
  },
  equals(s, q) {
    if (s.user !== q.user || s.limit !== q.limit || s.tags.length !== q.tags.length) return false;
    for (let i = 0; i < s.tags.length; i++) if (s.tags[i] !== q.tags[i]) return false;
    return true;
  },
  copy: (q) => ({ user: q.user, limit: q.limit, tags: q.tags.slice() }),
};

/**
 * Builds each case from its factory, checks it returns the right value for `input(0..keys-1)`
 * (twice: a miss, then a hit), and reports the runs the check cost.
 */
export async function prepare(factories, body, input, keys, expected) {
  const cases = {};
  const checks = {};
  for (const [name, make] of Object.entries(factories)) {
    const fn = counted(body);
    const memo = make(fn);
    let correct = true;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < keys; i++) if (!sameValue(await memo(input(i)), expected(input(i)))) correct = false;
    }
    cases[name] = memo;
    checks[name] = { fn, correct, warmRuns: fn.runs };
  }
  return { cases, checks };
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Times the prepared cases and adds hit rates and correctness to the rows. */
export async function time({ cases, checks }, input, { async = false, smoke = false } = {}) {
  const options = smoke ? { batch: 200, rounds: 2, warmup: 1 } : {};
  const bodies = Object.fromEntries(Object.entries(cases).map(([name, memo]) => [name, (i) => memo(input(i))]));
  const before = Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, c.fn.runs]));
  const rows = async ? await measureAsync('', bodies, options) : measure('', bodies, options);
  return rows.map((row) => {
    const check = checks[row.name];
    const calls = totalCalls(async, smoke);
    const runs = check.fn.runs - before[row.name];
    return { ...row, correct: check.correct, hitRate: Math.max(0, 1 - runs / calls) };
  });
}

function totalCalls(async, smoke) {
  if (smoke) return 200 * 3;
  return async ? 5_000 * 43 : 20_000 * 63;
}
