/** Key code for unions of runtime kinds: a kind test on the value picks the member. */
import { type KeyNode, runtimeKind } from '../../plan.js';
import { prelude, RUNTIME } from '../names.js';
import { type Bodies, indent, isPrimitive, type KeyOps, type Node } from './kind.js';

const PREDICATES: Record<string, (v: string) => string> = {
  string: (v) => `typeof ${v} === "string"`,
  number: (v) => `typeof ${v} === "number"`,
  boolean: (v) => `typeof ${v} === "boolean"`,
  bigint: (v) => `typeof ${v} === "bigint"`,
  null: (v) => `${v} === null`,
  undefined: (v) => `${v} === undefined`,
  array: (v) => `Array.isArray(${v})`,
  date: (v) => `${v} instanceof Date`,
  map: (v) => `${v} instanceof Map`,
  set: (v) => `${v} instanceof Set`,
  object: (v) => `typeof ${v} === "object" && ${v} !== null`,
  function: (v) => `typeof ${v} === "function"`,
};

const BOXED: Record<string, string> = { Number: 'number', String: 'string', Boolean: 'boolean' };

function predicate(member: KeyNode, v: string): string {
  const kind = runtimeKind(member);
  if (kind.startsWith('typedArray:')) return `${v} instanceof ${kind.slice('typedArray:'.length)}`;
  if (kind.startsWith('class:')) return `${v} instanceof ${kind.slice('class:'.length)}`;
  if (kind.startsWith('builtin:')) {
    const name = kind.slice('builtin:'.length);
    const primitive = BOXED[name];
    return primitive === undefined
      ? `${v} instanceof ${name}`
      : `typeof ${v} === "${primitive}" || ${v} instanceof ${name}`;
  }
  const test = PREDICATES[kind];
  if (test === undefined) throw new Error(`no runtime test for ${kind}`);
  return test(v);
}

/**
 * Members told apart by a kind test on the value. A snapshot holds the member's index beside the
 * member's snapshot (`[k, snapshot]`), so a snapshot never has to pass the kind test itself (a
 * class instance's snapshot is a plain object).
 */
export function unionBodies(code: KeyOps, node: Node<'union'>, base: string): Bodies {
  const kind = `${base}$kind`;
  const tests = node.members.map((m, i) => `if (${predicate(m, 'v')}) return ${i};`);
  const extra = `function ${kind}(v: any): number {\n${indent([...tests, 'return -1;'].join('\n'))}\n}\n`;
  const cases = (make: (m: KeyNode, i: number) => string, fallback: string, subject = `${kind}(v)`): string =>
    [
      `switch (${subject}) {`,
      ...node.members.map((m, i) => `  case ${i}: return ${make(m, i)};`),
      `  default: return ${fallback};`,
      '}',
    ].join('\n');
  // The member's index goes into the hash, so members with equal hashes of their own (`""` and
  // `[]`, `true` and `1n`) land in different buckets instead of chaining behind each other.
  const hash = cases((m, i) => code.hash(m, `${prelude.mix}(h, ${i})`, 'v'), 'h');
  const text = cases((m) => code.text(m, 'v'), `"?" + ${RUNTIME}.reflectKey(v)`);
  if (isPrimitive(node)) {
    return { extra, hash, snapshot: 'return v;', equals: `return ${code.equals(node, 's', 'v')};`, text };
  }
  return {
    extra,
    hash,
    snapshot: cases((m, i) => `[${i}, ${code.snapshot(m, 'v')}]`, `[-1, ${RUNTIME}.reflectKey(v)]`),
    equals: [
      `const k = ${kind}(v);`,
      'if (k !== s[0]) return false;',
      cases((m) => code.equals(m, 's[1]', 'v'), `s[1] === ${RUNTIME}.reflectKey(v)`, 'k'),
    ].join('\n'),
    text,
  };
}
