/** Step 4a, continued: the helper functions of composite key nodes (objects, arrays, unions, ...). */
import { type KeyNode, runtimeKind } from '../plan.js';
import { mapBodies, setBodies, typedArrayBodies } from './collection-code.js';
import { type HelperNames, instanceText, isPrimitive, type KeyCode } from './key-code.js';
import { MAX_DEPTH, prelude, property, RUNTIME } from './names.js';

export type Node<K extends KeyNode['kind']> = Extract<KeyNode, { kind: K }>;

export interface Bodies {
  readonly hash: string;
  readonly snapshot: string;
  readonly equals: string;
  readonly text: string;
  /** Extra functions (a union's kind test). */
  readonly extra?: string;
}

/** The four functions (hash, snapshot, equals, text) of one composite node. */
export function compositeHelper(
  code: KeyCode,
  node: KeyNode,
  names: HelperNames,
  base: string,
  recursive: boolean,
): string {
  const bodies = bodiesOf(code, node, base);
  const fn = (name: string, params: string, body: string): string =>
    `function ${name}(${params}) {\n${indent(recursive ? depthLimited(body) : body)}\n}\n`;
  return (
    (bodies.extra ?? '') +
    fn(names.hash, 'h, v', bodies.hash) +
    fn(names.snapshot, 'v', bodies.snapshot) +
    fn(names.equals, 's, v', bodies.equals) +
    fn(names.text, 'v', bodies.text)
  );
}

/**
 * A recursive type's helper counts how deep it is nested: past MAX_DEPTH (a very deep or a
 * cyclic value) the call runs uncached instead of overflowing the stack.
 */
function depthLimited(body: string): string {
  const { depth, tooDeep } = prelude;
  return [
    'try {',
    `  if (++${depth} > ${MAX_DEPTH}) ${tooDeep}();`,
    indent(body),
    '} finally {',
    `  ${depth}--;`,
    '}',
  ].join('\n');
}

export function indent(body: string): string {
  return body
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

function bodiesOf(code: KeyCode, node: KeyNode, base: string): Bodies {
  switch (node.kind) {
    case 'object':
      return objectBodies(code, node);
    case 'union':
      return unionBodies(code, node, base);
    case 'discriminated':
      return discriminatedBodies(code, node);
    case 'record':
      return recordBodies(code, node);
    case 'array':
      return arrayBodies(code, node);
    case 'tuple':
      return tupleBodies(code, node);
    case 'map':
      return mapBodies(code, node);
    case 'set':
      return setBodies(code, node);
    case 'typedArray':
      return typedArrayBodies(node);
    case 'exact':
      return exactBodies(code, node);
    case 'builtin':
      return builtinBodies(node);
    default: {
      // Primitive-like nodes reached through a ref: wrap the inline forms.
      return {
        hash: `return ${code.hash(node, 'h', 'v')};`,
        snapshot: `return ${code.snapshot(node, 'v')};`,
        equals: `return ${code.equals(node, 's', 'v')};`,
        text: `return ${code.text(node, 'v')};`,
      };
    }
  }
}

function objectBodies(code: KeyCode, node: Node<'object'>): Bodies {
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
      equals.push(`if (${has('s')} ? !(${has('v')}) || !(${code.equals(p.node, sv, vv)}) : ${has('v')}) return false;`);
      text.push(`if (${has('v')}) t += ${label} + ${code.text(p.node, vv)} + ",";`);
    } else {
      hash.push(`h = ${code.hash(p.node, 'h', vv)};`);
      snapshot.push(`${sv} = ${code.snapshot(p.node, vv)};`);
      equals.push(`if (!(${code.equals(p.node, sv, vv)})) return false;`);
      text.push(`t += ${label} + ${code.text(p.node, vv)} + ",";`);
    }
  }
  return {
    hash: [...hash, 'return h;'].join('\n'),
    snapshot: ['const s = {};', ...snapshot, 'return s;'].join('\n'),
    equals: [...equals, 'return true;'].join('\n'),
    text: ['let t = "{";', ...text, 'return t + "}";'].join('\n'),
  };
}

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

function predicate(member: KeyNode, v: string): string {
  const kind = runtimeKind(member);
  if (kind.startsWith('typedArray:')) return `${v} instanceof ${kind.slice('typedArray:'.length)}`;
  if (kind.startsWith('class:')) return `${v} instanceof ${kind.slice('class:'.length)}`;
  if (kind.startsWith('builtin:')) return `${v} instanceof ${kind.slice('builtin:'.length)}`;
  const test = PREDICATES[kind];
  if (test === undefined) throw new Error(`no runtime test for ${kind}`);
  return test(v);
}

/**
 * Members told apart by a kind test on the value. A snapshot holds the member's index beside the
 * member's snapshot (`[k, snapshot]`), so a snapshot never has to pass the kind test itself (a
 * class instance's snapshot is a plain object).
 */
function unionBodies(code: KeyCode, node: Node<'union'>, base: string): Bodies {
  const kind = `${base}$kind`;
  const tests = node.members.map((m, i) => `if (${predicate(m, 'v')}) return ${i};`);
  const extra = `function ${kind}(v) {\n${indent([...tests, 'return -1;'].join('\n'))}\n}\n`;
  const cases = (make: (m: KeyNode, i: number) => string, fallback: string, subject = `${kind}(v)`): string =>
    [
      `switch (${subject}) {`,
      ...node.members.map((m, i) => `  case ${i}: return ${make(m, i)};`),
      `  default: return ${fallback};`,
      '}',
    ].join('\n');
  const hash = cases((m) => code.hash(m, 'h', 'v'), 'h');
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

function discriminatedBodies(code: KeyCode, node: Node<'discriminated'>): Bodies {
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
function recordBodies(code: KeyCode, node: Node<'record'>): Bodies {
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
      'for (const k in s) n--;',
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

function arrayBodies(code: KeyCode, node: Node<'array'>): Bodies {
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

function tupleBodies(code: KeyCode, node: Node<'tuple'>): Bodies {
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
    equals: [
      'if (s.length !== v.length) return false;',
      ...node.elements.map((e, i) => `if (!(${code.equals(e, `s[${i}]`, at(i))})) return false;`),
      ...(rest === undefined
        ? []
        : [`for (let i = ${n}; i < v.length; i++) if (!(${code.equals(rest, 's[i]', 'v[i]')})) return false;`]),
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

/**
 * A value whose prototype must be exactly the declared class's or built-in's: one prototype
 * comparison; any other value (a subclass) is keyed by the runtime's `instanceText`, and its
 * snapshot is an `Other` holding that text.
 */
function exactBodies(code: KeyCode, node: Node<'exact'>): Bodies {
  const proto = node.className === undefined ? `${RUNTIME}.proto.${node.builtin}` : `${node.className}.prototype`;
  const exact = `Object.getPrototypeOf(v) === ${proto}`;
  const other = instanceText(node.local, 'v');
  const { Other } = prelude;
  const label = node.className === undefined ? '' : `${JSON.stringify(`C${JSON.stringify(node.className)}:`)} + `;
  const inner = node.inner;
  return {
    hash: `return ${exact} ? ${code.hash(inner, 'h', 'v')} : ${prelude.hashString}(${prelude.mix}(h, 9), ${other});`,
    snapshot: `return ${exact} ? ${code.snapshot(inner, 'v')} : new ${Other}(${other});`,
    equals: `return ${exact} ? !(s instanceof ${Other}) && ${code.equals(inner, 's', 'v')} : s instanceof ${Other} && s.t === ${other};`,
    text: `return ${exact} ? ${label}${code.text(inner, 'v')} : "@" + ${other};`,
  };
}

const BUILTIN_VALUE: Record<Node<'builtin'>['name'], string> = {
  // Flags never hold "/", so the last "/" separates them from the source.
  RegExp: 'v.source + "/" + v.flags',
  URL: 'v.href',
  // Entries in order, each name and value percent-encoded.
  URLSearchParams: 'v.toString()',
  ArrayBuffer: 'Array.prototype.join.call(new Uint8Array(v), ",")',
};

/** A built-in keyed by one string of its internal value. */
function builtinBodies(node: Node<'builtin'>): Bodies {
  const value = BUILTIN_VALUE[node.name];
  return {
    hash: `return ${prelude.hashString}(h, ${value});`,
    snapshot: `return ${value};`,
    equals: `return s === ${value};`,
    text: `return ${JSON.stringify(node.name)} + JSON.stringify(${value});`,
  };
}
