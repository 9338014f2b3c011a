/** Key code for plain objects: declared properties, records (own keys), discriminated unions. */

import type { KeyNode } from '../../plan.js';
import { prelude, property, RUNTIME } from '../names.js';
import { allOf, type Bodies, type KeyOps, type Node, operand } from './kind.js';

export function objectBodies(code: KeyOps, node: Node<'object'>): Bodies {
  const hash: string[] = [];
  const snapshot: string[] = [];
  const equals: string[] = [];
  const text: string[] = [];
  for (const p of node.properties) {
    const symbol = p.symbol;
    const sv = symbol === undefined ? property('s', p.name) : `s[${symbol}]`;
    const vv = symbol === undefined ? property('v', p.name) : `v[${symbol}]`;
    const has = (o: string): string => `${symbol ?? JSON.stringify(p.name)} in ${o}`;
    const label = JSON.stringify(symbol === undefined ? `${JSON.stringify(p.name)}:` : `[${symbol}]:`);
    if (p.optional) {
      hash.push(`h = ${has('v')} ? ${code.hash(p.node, `${prelude.mix}(h, 1)`, vv)} : ${prelude.mix}(h, 0);`);
      snapshot.push(`if (${has('v')}) ${sv} = ${code.snapshot(p.node, vv)};`);
      equals.push(`${has('s')} ? ${has('v')} && ${operand(code.equals(p.node, sv, vv))} : !(${has('v')})`);
      text.push(`if (${has('v')}) t += ${label} + ${code.text(p.node, vv)} + ",";`);
    } else {
      hash.push(`h = ${code.hash(p.node, 'h', vv)};`);
      snapshot.push(`${sv} = ${code.snapshot(p.node, vv)};`);
      equals.push(code.equals(p.node, sv, vv));
      text.push(`t += ${label} + ${code.text(p.node, vv)} + ",";`);
    }
  }
  return {
    hash: [...hash, 'return h;'].join('\n'),
    snapshot: ['const s: any = {};', ...snapshot, 'return s;'].join('\n'),
    equals: allOf(equals),
    text: ['let t = "{";', ...text, 'return t + "}";'].join('\n'),
  };
}

export function discriminatedBodies(code: KeyOps, node: Node<'discriminated'>): Bodies {
  const tag = (o: string): string => property(o, node.property);
  const cases = (make: (m: KeyNode) => string, fallback: string): string =>
    [
      `switch (${tag('v')}) {`,
      ...node.cases.map(
        (c) => `  ${c.values.map((value) => `case ${JSON.stringify(value)}:`).join(' ')} return ${make(c.node)};`,
      ),
      `  default: return ${fallback};`,
      '}',
    ].join('\n');
  return {
    hash: cases((m) => code.hash(m, 'h', 'v'), 'h'),
    snapshot: cases((m) => code.snapshot(m, 'v'), 'v'),
    equals: `if (${tag('s')} !== ${tag('v')}) return false;\n${cases((m) => code.equals(m, 's', 'v'), 's === v')}`,
    text: cases((m) => code.text(m, 'v'), `"?" + ${RUNTIME}.reflectKey(v)`),
  };
}

/** Own enumerable string keys only: `for in` with `Object.hasOwn` (inherited keys never count). */
export function recordBodies(code: KeyOps, node: Node<'record'>): Bodies {
  const value = node.value;
  const own = 'if (!Object.hasOwn(v, k)) continue;';
  return {
    hash: [
      'let x = 0;',
      'for (const k in v) {',
      `  ${own}`,
      `  x = (x + ${code.hash(value, `${prelude.hashString}(0, k)`, 'v[k]')}) | 0;`,
      '}',
      `return ${prelude.mix}(h, x);`,
    ].join('\n'),
    snapshot: [
      'const s = Object.create(null);',
      'for (const k in v) {',
      `  ${own}`,
      `  s[k] = ${code.snapshot(value, 'v[k]')};`,
      '}',
      'return s;',
    ].join('\n'),
    equals: [
      'let n = 0;',
      'for (const k in v) {',
      `  ${own}`,
      `  if (!(k in s) || !(${code.equals(value, 's[k]', 'v[k]')})) return false;`,
      '  n++;',
      '}',
      'for (const _k in s) n--;',
      'return n === 0;',
    ].join('\n'),
    text: [
      'const keys = Object.keys(v);',
      'keys.sort();',
      'let t = "{";',
      `for (const k of keys) t += JSON.stringify(k) + ":" + ${code.text(value, 'v[k]')} + ",";`,
      'return t + "}";',
    ].join('\n'),
  };
}
