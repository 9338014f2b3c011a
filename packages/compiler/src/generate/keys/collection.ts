/** Key code for collections: arrays and tuples (ordered), Map and Set (unordered), typed arrays. */
import { prelude } from '../names.js';
import { allOf, type Bodies, isPrimitive, type KeyOps, type Node } from './kind.js';

export function arrayBodies(code: KeyOps, node: Node<'array'>): Bodies {
  const e = node.element;
  return {
    hash: [
      `h = ${prelude.mix}(h, v.length);`,
      `for (let i = 0; i < v.length; i++) h = ${code.hash(e, 'h', 'v[i]')};`,
      'return h;',
    ].join('\n'),
    snapshot: [
      'const s = new Array(v.length);',
      `for (let i = 0; i < v.length; i++) s[i] = ${code.snapshot(e, 'v[i]')};`,
      'return s;',
    ].join('\n'),
    equals: [
      'if (s.length !== v.length) return false;',
      `for (let i = 0; i < v.length; i++) if (!(${code.equals(e, 's[i]', 'v[i]')})) return false;`,
      'return true;',
    ].join('\n'),
    text: [
      'let t = "[";',
      `for (let i = 0; i < v.length; i++) t += (i === 0 ? "" : ",") + ${code.text(e, 'v[i]')};`,
      'return t + "]";',
    ].join('\n'),
  };
}

export function tupleBodies(code: KeyOps, node: Node<'tuple'>): Bodies {
  const n = node.elements.length;
  const at = (i: number): string => `v[${i}]`;
  const rest = node.rest;
  return {
    hash: [
      `h = ${prelude.mix}(h, v.length);`,
      ...node.elements.map((e, i) => `h = ${code.hash(e, 'h', at(i))};`),
      ...(rest === undefined ? [] : [`for (let i = ${n}; i < v.length; i++) h = ${code.hash(rest, 'h', 'v[i]')};`]),
      'return h;',
    ].join('\n'),
    snapshot: [
      `const s = [${node.elements.map((e, i) => code.snapshot(e, at(i))).join(', ')}];`,
      `s.length = v.length;`,
      ...(rest === undefined ? [] : [`for (let i = ${n}; i < v.length; i++) s[i] = ${code.snapshot(rest, 'v[i]')};`]),
      'return s;',
    ].join('\n'),
    equals:
      rest === undefined
        ? allOf(['s.length === v.length', ...node.elements.map((e, i) => code.equals(e, `s[${i}]`, at(i)))])
        : [
            'if (s.length !== v.length) return false;',
            ...node.elements.map((e, i) => `if (!(${code.equals(e, `s[${i}]`, at(i))})) return false;`),
            `for (let i = ${n}; i < v.length; i++) if (!(${code.equals(rest, 's[i]', 'v[i]')})) return false;`,
            'return true;',
          ].join('\n'),
    text: [
      'let t = "[" + v.length;',
      ...node.elements.map((e, i) => `t += "," + ${code.text(e, at(i))};`),
      ...(rest === undefined ? [] : [`for (let i = ${n}; i < v.length; i++) t += "," + ${code.text(rest, 'v[i]')};`]),
      'return t + "]";',
    ].join('\n'),
  };
}

export function mapBodies(code: KeyOps, node: Node<'map'>): Bodies {
  const { key, value } = node;
  const matchEntries = isPrimitive(key)
    ? [`for (const k of s.keys()) if (!v.has(k) || !(${code.equals(value, 's.get(k)', 'v.get(k)')})) return false;`]
    : matchEach({
        stored: 'sk',
        storedOf: 's.keys()',
        given: 'vk',
        givenOf: 'v.keys()',
        equal: `${code.equals(key, 'sk', 'vk')} && ${code.equals(value, 's.get(sk)', 'v.get(vk)')}`,
      });
  return {
    hash: [
      'let x = 0;',
      `for (const k of v.keys()) x = (x + ${code.hash(value, code.hash(key, '0', 'k'), 'v.get(k)')}) | 0;`,
      `return ${prelude.mix}(${prelude.mix}(h, v.size), x);`,
    ].join('\n'),
    snapshot: [
      'const s = new Map();',
      `for (const k of v.keys()) s.set(${code.snapshot(key, 'k')}, ${code.snapshot(value, 'v.get(k)')});`,
      'return s;',
    ].join('\n'),
    equals: ['if (s.size !== v.size) return false;', ...matchEntries, 'return true;'].join('\n'),
    text: [
      'const entries = [];',
      `for (const k of v.keys()) entries.push(${code.text(key, 'k')} + "=>" + ${code.text(value, 'v.get(k)')});`,
      'return "M{" + entries.sort().join(",") + "}";',
    ].join('\n'),
  };
}

export function setBodies(code: KeyOps, node: Node<'set'>): Bodies {
  const e = node.element;
  const matchItems = isPrimitive(e)
    ? ['for (const x of s) if (!v.has(x)) return false;']
    : matchEach({ stored: 'sx', storedOf: 's', given: 'vx', givenOf: 'v', equal: code.equals(e, 'sx', 'vx') });
  return {
    hash: [
      'let x = 0;',
      `for (const k of v) x = (x + ${code.hash(e, '0', 'k')}) | 0;`,
      `return ${prelude.mix}(${prelude.mix}(h, v.size), x);`,
    ].join('\n'),
    snapshot: ['const s = new Set();', `for (const k of v) s.add(${code.snapshot(e, 'k')});`, 'return s;'].join('\n'),
    equals: ['if (s.size !== v.size) return false;', ...matchItems, 'return true;'].join('\n'),
    text: [
      'const items = [];',
      `for (const k of v) items.push(${code.text(e, 'k')});`,
      'return "S{" + items.sort().join(",") + "}";',
    ].join('\n'),
  };
}

export function typedArrayBodies(node: Node<'typedArray'>): Bodies {
  const ctor = node.constructor;
  return {
    hash: [
      `h = ${prelude.mix}(h, v.length);`,
      `for (let i = 0; i < v.length; i++) h = ${prelude.hashNumber}(h, Number(v[i]));`,
      'return h;',
    ].join('\n'),
    snapshot: `return new ${ctor}(v);`,
    equals: [
      'if (s.length !== v.length) return false;',
      `for (let i = 0; i < v.length; i++) if (!${prelude.sameNumber}(s[i], v[i])) return false;`,
      'return true;',
    ].join('\n'),
    text: `return ${JSON.stringify(`T${ctor}[`)} + Array.prototype.join.call(v, ",") + "]";`,
  };
}

/**
 * Lines that return false unless every stored item finds its own equal among the given items
 * (each given item matched once): unordered equality for Map and Set elements that are not
 * primitives, where a lookup by value is not possible.
 */
function matchEach(props: {
  stored: string;
  storedOf: string;
  given: string;
  givenOf: string;
  equal: string;
}): string[] {
  const { stored, storedOf, given, givenOf, equal } = props;
  return [
    'const used = new Set();',
    `outer: for (const ${stored} of ${storedOf}) {`,
    `  for (const ${given} of ${givenOf}) {`,
    `    if (!used.has(${given}) && ${equal}) {`,
    `      used.add(${given});`,
    '      continue outer;',
    '    }',
    '  }',
    '  return false;',
    '}',
  ];
}
