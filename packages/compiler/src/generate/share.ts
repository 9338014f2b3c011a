/**
 * Step 4c, for front ends that keep files of their own beside the build (the bundler plugin, in
 * its cache directory): the key helpers of one type, which every file keying that type would
 * otherwise carry a copy of, go to a module named by a hash of its text, and the file imports
 * them. Files that key the same type import the same module, so a bundle holds one copy, and the
 * bundler parses one.
 *
 * A helper module holds the functions of one composite type (hash, snapshot, equals, text, and a
 * union's kind test), written as JavaScript, importing the runtime and the helper modules of the
 * types it keys through (`./<hash>.mjs`, beside it). Its name is the hash of that text, which names
 * the modules it imports by their hashes: two files import the same name only for the same code,
 * down to every helper it calls. What stays in the file: helpers of recursive types (they share
 * the file's depth counter), helpers that name anything of the file's scope (a class it declares
 * or imports, a symbol key, a built-in's name the file rebinds), and every helper that calls one
 * of those. A helper is moved only when every name it reads is known to mean the same in any
 * module: its own parameters and variables, the runtime, other helpers, and the built-ins key code
 * uses (`FREE_GLOBALS`); anything else keeps it in the file.
 */
import { createHash } from 'node:crypto';
import { RUNTIME } from './names.js';
import { DECLARES, keepUsed, NAME } from './prune.js';

/**
 * A helper module: its file name and its JavaScript. The name ends in `.mjs`, which every bundler
 * reads as an ES module, and which resolvers that map a `.js` import to a `.ts` file leave alone.
 */
export interface HelperModule {
  readonly name: string;
  readonly code: string;
  /**
   * Its declarations (`.d.mts`, written beside it): front ends that type-check what Cachet hands
   * them (ts-loader) read the helpers' types from them.
   */
  readonly types: string;
}

/** A file's module-level declarations with shared helpers imported instead of copied. */
export interface SharedHelpers {
  /** Import statements and the declarations that stay in the file, each one statement. */
  readonly declarations: readonly string[];
  /** Every helper module the file needs, directly or through another, dependencies first. */
  readonly modules: readonly HelperModule[];
}

/** Built-ins generated key code names (Array.isArray, instanceof Date, String(v), ...). */
const FREE_GLOBALS: ReadonlySet<string> = new Set([
  'Array',
  'ArrayBuffer',
  'BigInt',
  'BigInt64Array',
  'BigUint64Array',
  'Boolean',
  'Date',
  'Error',
  'Float32Array',
  'Float64Array',
  'Infinity',
  'Int16Array',
  'Int32Array',
  'Int8Array',
  'JSON',
  'Map',
  'Math',
  'NaN',
  'Number',
  'Object',
  'RegExp',
  'Set',
  'String',
  'Symbol',
  'Uint16Array',
  'Uint32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'URL',
  'URLSearchParams',
  'undefined',
]);
const KEYWORDS: ReadonlySet<string> = new Set(
  (
    'break case catch const continue default delete do else false finally for function if in instanceof let new ' +
    'null of return switch this throw true try typeof var void while'
  ).split(' '),
);
const FUNCTION = /^function (__cachet\$[\w$]*)\(/;

/** The helpers of one composite type: `__cachet$<base>$<op>` for each of its operations. */
interface Group {
  readonly base: string;
  /** Declaration texts by operation (`hash`, `snapshot`, `equals`, `text`, `kind`), in order. */
  readonly members: Map<string, string>;
  /** Other groups its declarations call. */
  readonly calls: Set<string>;
  /** Whether it can live in a module: calls only runtime functions and other shareable groups. */
  shareable: boolean;
  module?: HelperModule;
}

/**
 * `declarations` (the file's generated module-level declarations, see `keepUsed`) with each
 * shareable helper group that `roots` reach moved to a module, imported from `dir` (a specifier
 * prefix ending in `/`); the rest is pruned as `keepUsed` does.
 */
export function shareHelpers(
  roots: string,
  declarations: readonly string[],
  props: {
    readonly runtimeModule: string;
    readonly dir: string;
    /** The names the file binds at its top level (declarations and imports). */
    readonly fileNames: ReadonlySet<string>;
  },
): SharedHelpers {
  const groups = new Map<string, Group>();
  const groupOf = new Map<string, Group>();
  const fixed = new Set<string>(); // names the file must declare itself
  for (const declaration of declarations) {
    const fn = FUNCTION.exec(declaration)?.[1];
    const op = fn === undefined ? undefined : /\$(hash|snapshot|equals|text|kind)$/.exec(fn)?.[1];
    if (fn === undefined || op === undefined) {
      const match = DECLARES.exec(declaration);
      const name = match?.[1] ?? match?.[2];
      if (name !== undefined) fixed.add(name);
      continue;
    }
    const base = fn.slice(0, -op.length - 1);
    let group = groups.get(base);
    if (group === undefined) {
      group = { base, members: new Map(), calls: new Set(), shareable: true };
      groups.set(base, group);
    }
    group.members.set(op, declaration);
    groupOf.set(fn, group);
  }
  for (const group of groups.values()) {
    for (const declaration of group.members.values()) {
      if (!readsOnlyKnownNames(split(declaration).javascript, props.fileNames)) group.shareable = false;
      for (const name of declaration.match(NAME) ?? []) {
        const callee = groupOf.get(name);
        if (callee === undefined) {
          if (fixed.has(name)) group.shareable = false; // the depth counter, an imported class
        } else if (callee !== group) group.calls.add(callee.base);
      }
    }
  }
  // A group moves after the groups it calls: one that calls a group that must stay stays too, and
  // so does a cycle of groups (recursion goes through the depth counter, so there is none, but
  // never assume).
  const visiting = new Set<string>();
  const moduleOf = (group: Group): HelperModule | undefined => {
    if (!group.shareable) return undefined;
    if (group.module !== undefined) return group.module;
    if (visiting.has(group.base)) {
      group.shareable = false;
      return undefined;
    }
    visiting.add(group.base);
    const deps = [...group.calls].map((base) => groups.get(base) as Group);
    const depModules = deps.map(moduleOf);
    visiting.delete(group.base);
    if (depModules.some((m) => m === undefined)) {
      group.shareable = false;
      return undefined;
    }
    group.module = helperModule(group, deps, props.runtimeModule);
    return group.module;
  };
  for (const group of groups.values()) moduleOf(group);

  // The file: its own declarations as `keepUsed` keeps them, shared names imported.
  const shared = new Map<string, Group>();
  for (const [name, group] of groupOf) if (group.shareable) shared.set(name, group);
  const own = declarations.filter((declaration) => {
    const fn = FUNCTION.exec(declaration)?.[1];
    return fn === undefined || !shared.has(fn);
  });
  const kept = keepUsed(roots, own);
  const imported = new Map<Group, Set<string>>();
  for (const text of [roots, ...kept]) {
    for (const name of text.match(NAME) ?? []) {
      const group = shared.get(name);
      if (group === undefined) continue;
      let names = imported.get(group);
      if (names === undefined) imported.set(group, (names = new Set()));
      names.add(name);
    }
  }
  const imports = [...imported].map(([group, names]) => {
    const list = [...names].map((name) => `${exported(name.slice(group.base.length + 1))} as ${name}`);
    return `import { ${list.join(', ')} } from ${JSON.stringify(`${props.dir}${group.module?.name}`)};\n`;
  });
  const modules: HelperModule[] = [];
  const seen = new Set<HelperModule>();
  const collect = (group: Group): void => {
    const module = group.module as HelperModule;
    if (seen.has(module)) return;
    seen.add(module);
    for (const base of group.calls) collect(groups.get(base) as Group);
    modules.push(module);
  };
  for (const group of imported.keys()) collect(group);
  return { declarations: [...imports, ...kept], modules };
}

/**
 * Whether every name `declaration` (JavaScript) reads outside property accesses and string literals is its
 * own (a parameter, a variable it declares), a keyword, the runtime or a helper, or a built-in of
 * `FREE_GLOBALS` the file does not rebind. Conservative: a construct it does not read (a template
 * literal, an arrow's parameter) counts as unknown.
 */
function readsOnlyKnownNames(declaration: string, fileNames: ReadonlySet<string>): boolean {
  if (declaration.includes('`')) return false;
  const code = declaration.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
  const own = new Set<string>();
  const params = /^function [\w$]+\(([^)]*)\)/.exec(code)?.[1] ?? '';
  for (const param of params.split(',')) own.add(param.trim());
  for (const [, name] of code.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g)) own.add(name as string);
  for (const [name] of code.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*/g)) {
    if (own.has(name) || KEYWORDS.has(name) || name === RUNTIME || name.startsWith('__cachet$')) continue;
    if (FREE_GLOBALS.has(name) && !fileNames.has(name)) continue;
    return false;
  }
  return true;
}

/** The name a helper module exports an operation by. */
function exported(op: string): string {
  return `__cachet$${op}`;
}

/**
 * A group's module: the runtime and its dependencies imported under names that depend only on
 * their hashes (`__cachet$d0$hash`, by the order of the hashes), its functions exported by
 * operation, as JavaScript.
 */
function helperModule(group: Group, deps: readonly Group[], runtimeModule: string): HelperModule {
  const sorted = [...deps].sort((a, b) => compare(a.module?.name ?? '', b.module?.name ?? ''));
  const rename = new Map<string, string>();
  const lines = [`import * as ${RUNTIME} from ${JSON.stringify(runtimeModule)};\n`];
  sorted.forEach((dep, i) => {
    const list = [...dep.members.keys()].map((op) => {
      const local = `__cachet$d${i}$${op}`;
      rename.set(`${dep.base}$${op}`, local);
      return `${exported(op)} as ${local}`;
    });
    lines.push(`import { ${list.join(', ')} } from ${JSON.stringify(`./${dep.module?.name}`)};\n`);
  });
  for (const op of group.members.keys()) rename.set(`${group.base}$${op}`, exported(op));
  const types: string[] = [];
  for (const declaration of group.members.values()) {
    const renamed = declaration.replace(NAME, (name) => rename.get(name) ?? name);
    const { signature, javascript } = split(renamed);
    lines.push(`export ${javascript}`);
    types.push(`export declare ${signature};\n`);
  }
  const code = lines.join('');
  const hash = createHash('sha256').update(code).digest('base64url').slice(0, 24);
  return { name: `${hash}.mjs`, code, types: types.join('') };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A generated helper declaration's typed signature (`function f(v: any): string`), and the
 * declaration as JavaScript. Helpers are TypeScript in exactly two places, both written by this
 * package: the signature `functionDeclaration` writes (parameters `name: type`, then `): type {`),
 * and an object snapshot's `const s: any = {};`. Anything else typed would be a generator change
 * this misses: the module would not parse, and the tests that bundle and run every kind of key
 * would fail.
 */
function split(declaration: string): { signature: string; javascript: string } {
  const end = declaration.indexOf('\n');
  const first = declaration.slice(0, end);
  const signature = /^function ([\w$]+)\((.*)\): [^{]+ \{$/.exec(first);
  if (signature === null) throw new Error(`@cachet/compiler: not a generated helper: ${first}`);
  const params = (signature[2] as string)
    .split(', ')
    .filter((param) => param !== '')
    .map((param) => param.slice(0, param.indexOf(':')));
  const body = declaration.slice(end).replace(/^(\s*)const s: any = \{\};$/gm, '$1const s = {};');
  return {
    signature: first.slice(0, -' {'.length),
    javascript: `function ${signature[1]}(${params.join(', ')}) {${body}`,
  };
}
