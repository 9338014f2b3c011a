/**
 * Hit cost of the runtime's memory tier through `cached()`: the reflective encoder, a
 * hand-written key string, and a hand-written hash + equality encoder (the shape compiled code
 * passes), next to a plain Map memo and a hand-written hash + equality memo.
 * Run: npm run build && node scripts/bench/runtime-hit.mjs
 */
import { cached, configure } from '@cachet/runtime';
import { measure, print } from './harness.mjs';

configure({ defaults: { storage: 'memory' } });

const work = (n) => n * 2;

// --- one number argument -------------------------------------------------
const mapMemo = new Map();
const plainMap = (n) => {
  let v = mapMemo.get(n);
  if (v === undefined) mapMemo.set(n, (v = work(n)));
  return v;
};
const reflective = cached(work, { id: 'bench-num-reflective' });
const customKey = cached(work, { id: 'bench-num-key', key: (n) => `${n}` });
const encoder = cached(work, {
  id: 'bench-num-encoder',
  key: { text: (a) => `d${a[0]}`, hash: (a) => a[0], snapshot: (a) => a[0], equals: (s, a) => s === a[0] },
});
const keys = Array.from({ length: 64 }, (_, i) => i);
for (const k of keys) for (const f of [plainMap, reflective, customKey, encoder]) f(k);
print(
  measure('sync hit, one number argument', {
    'plain Map memo': (i) => plainMap(keys[i & 63]),
    'cached(), reflective encoder': (i) => reflective(keys[i & 63]),
    'cached(), key: n => string': (i) => customKey(keys[i & 63]),
    'cached(), hash + equals encoder': (i) => encoder(keys[i & 63]),
  }),
  'plain Map memo',
);

// --- a fresh object argument: 3 fields with a string array ------------------
const query = (q) => q.limit;
const hashStr = (h, s) => {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
};
const objHash = (q) => {
  let h = hashStr(2166136261, q.user);
  h = Math.imul(h ^ q.limit, 16777619);
  for (const t of q.tags) h = hashStr(h, t);
  return h;
};
const objEquals = (s, q) => {
  if (s.user !== q.user || s.limit !== q.limit || s.tags.length !== q.tags.length) return false;
  for (let i = 0; i < s.tags.length; i++) if (s.tags[i] !== q.tags[i]) return false;
  return true;
};
const handMemo = new Map();
const handWritten = (q) => {
  const h = objHash(q);
  for (let node = handMemo.get(h); node !== undefined; node = node.next) if (objEquals(node.key, q)) return node.value;
  const value = query(q);
  handMemo.set(h, { key: { user: q.user, limit: q.limit, tags: [...q.tags] }, value, next: handMemo.get(h) });
  return value;
};
const jsonMemo = new Map();
const jsonMap = (q) => {
  const k = JSON.stringify(q);
  let v = jsonMemo.get(k);
  if (v === undefined) jsonMemo.set(k, (v = query(q)));
  return v;
};
const objReflective = cached(query, { id: 'bench-obj-reflective' });
const objEncoder = cached(query, {
  id: 'bench-obj-encoder',
  key: {
    text: (a) => JSON.stringify(a[0]),
    hash: (a) => objHash(a[0]),
    snapshot: (a) => ({ user: a[0].user, limit: a[0].limit, tags: [...a[0].tags] }),
    equals: (s, a) => objEquals(s, a[0]),
  },
});
const users = Array.from({ length: 32 }, (_, i) => `user-${i}`);
const fresh = (i) => ({ user: users[i & 31], limit: 10, tags: ['a', 'bb', 'ccc'] });
for (let i = 0; i < 32; i++) for (const f of [handWritten, jsonMap, objReflective, objEncoder]) f(fresh(i));
print(
  measure('sync hit, fresh object argument { user, limit, tags: string[] }', {
    'hand-written hash + equality memo': (i) => handWritten(fresh(i)),
    'JSON.stringify + Map': (i) => jsonMap(fresh(i)),
    'cached(), reflective encoder': (i) => objReflective(fresh(i)),
    'cached(), hash + equals encoder': (i) => objEncoder(fresh(i)),
  }),
  'hand-written hash + equality memo',
);
