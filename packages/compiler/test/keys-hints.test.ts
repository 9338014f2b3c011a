/**
 * Every refusal's hint, applied as written, builds and gives right values: each case builds a
 * fixture that is refused, reads the remedies from the hint (an `ignore=` path, `storage=memory`,
 * a `[cacheKey]()` method), applies each to the source, rebuilds and checks the calls.
 */
import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, type Built, build } from './keys-harness.js';

interface Case {
  readonly name: string;
  readonly code: string;
  readonly source: string;
  /** Where a `[cacheKey]()` method goes, and the method, when the hint offers one. */
  readonly cacheKey?: { readonly after: string; readonly method: string };
  /** Checks the rebuilt fixture's values. */
  readonly check: (built: Built, remedy: string) => void;
}

const header = `import { cacheKey } from '@cachet/runtime';\nexport let calls = 0;\n`;

const cases: Case[] = [
  {
    name: 'a function inside an argument, persistent storage',
    code: 'CACHET_E_UNKEYABLE',
    source: `${header}export interface Locale { code: string; formatLong?: (n: number) => string }
/** @cached storage=sqlite */
export function format(n: number, options: { locale: Locale; step?: number }): string {
  calls++;
  return options.locale.code + n * (options.step ?? 1);
}
`,
    check: ({ mod }, remedy) => {
      const locale = (code: string) => ({ code, formatLong: (n: number) => `${code}${n}` });
      if (remedy === 'storage=memory') {
        const f = locale('fr');
        expect(mod.format(1, { locale: f, step: 2 })).toBe('fr2');
        expect(mod.format(1, { locale: f, step: 3 })).toBe('fr3');
        expect(mod.format(1, { locale: locale('de'), step: 2 })).toBe('de2');
        const before = mod.calls;
        expect(mod.format(1, { locale: f, step: 2 })).toBe('fr2');
        expect(mod.calls).toBe(before);
      } else {
        const key = (options: unknown) => mod.text([1, options]);
        expect(key({ locale: locale('fr') })).toBe(key({ locale: { ...locale('fr'), formatLong: () => '' } }));
        expect(key({ locale: locale('fr') })).not.toBe(key({ locale: locale('de') }));
        expect(key({ locale: locale('fr'), step: 2 })).not.toBe(key({ locale: locale('fr') }));
      }
    },
  },
  {
    name: '#private state on a parameter',
    code: 'CACHET_E_HIDDEN_STATE',
    source: `${header}export class Counter {
  #count = 0;
  constructor(public label: string) {}
  bump(): this { this.#count++; return this; }
  get count(): number { return this.#count; }
}
/** @cached storage=memory */
export function read(c: Counter, n: number): string {
  calls++;
  return n + (c === undefined ? '' : '');
}
`,
    cacheKey: { after: 'export class Counter {', method: '[cacheKey]() { return this.label + ":" + this.#count; }' },
    check: ({ mod }) => {
      const c = new mod.Counter('a');
      expect(mod.read(c, 1)).toBe('1');
      expect(mod.read(c, 2)).toBe('2');
      expect(mod.read(new mod.Counter('a').bump(), 1)).toBe('1');
    },
  },
  {
    name: '#private state on this',
    code: 'CACHET_E_HIDDEN_STATE',
    source: `${header}export class Repo {
  #secret = 1;
  constructor(public table: string) {}
  /** @cached storage=memory */
  find(id: number): string { calls++; return this.table + id; }
}
`,
    cacheKey: { after: 'export class Repo {', method: '[cacheKey]() { return this.table + ":" + this.#secret; }' },
    check: ({ mod }, remedy) => {
      const repo = new mod.Repo('users');
      expect(repo.find(1)).toBe('users1');
      expect(repo.find(2)).toBe('users2');
      // Left out of the key, `this` no longer tells repos apart: that is what ignore=this asks for.
      if (remedy !== 'ignore=this') expect(new mod.Repo('teams').find(1)).toBe('teams1');
    },
  },
  {
    name: 'a member keyed by a symbol generated code cannot reach',
    code: 'CACHET_E_UNKEYABLE',
    source: `${header}declare const tag: unique symbol;
export interface Tagged { id: number; [tag]?: string }
/** @cached storage=memory */
export function show(t: Tagged): number { calls++; return t.id; }
`,
    check: ({ mod }) => {
      expect(mod.show({ id: 1 })).toBe(1);
      expect(mod.show({ id: 2 })).toBe(2);
    },
  },
  {
    name: 'a WeakMap',
    code: 'CACHET_E_UNKEYABLE',
    source: `${header}/** @cached storage=memory */
export function size(n: number, seen: WeakMap<object, number>): number { calls++; return n; }
`,
    check: ({ mod }) => {
      expect(mod.size(1, new WeakMap())).toBe(1);
      expect(mod.size(2, new WeakMap())).toBe(2);
    },
  },
  {
    name: 'a class with neither data nor [cacheKey]()',
    code: 'CACHET_E_UNKEYABLE',
    source: `${header}export class Connection { query(sql: string): string { return sql; } }
/** @cached storage=memory */
export function run(db: Connection, sql: string): string { calls++; return db.query(sql); }
`,
    cacheKey: { after: 'export class Connection {', method: '[cacheKey]() { return "main"; }' },
    check: ({ mod }) => {
      const db = new mod.Connection();
      expect(mod.run(db, 'a')).toBe('a');
      expect(mod.run(db, 'b')).toBe('b');
    },
  },
];

/** The remedies a hint offers, as edits to the source. */
function remedies(hint: string, c: Case): { remedy: string; apply: (source: string) => string }[] {
  const found: { remedy: string; apply: (source: string) => string }[] = [];
  const ignore = /ignore=([^\s,]+?)(?=[\s,]|$)/.exec(hint)?.[1];
  if (ignore !== undefined) {
    found.push({
      remedy: `ignore=${ignore}`,
      apply: (s) => s.replace(/@cached ([^\n*]*?) ?\*\//, `@cached $1 ignore=${ignore} */`),
    });
  }
  if (/storage=memory/.test(hint)) {
    found.push({ remedy: 'storage=memory', apply: (s) => s.replace(/storage=\w+/, 'storage=memory') });
  }
  if (/\[cacheKey\]\(\)/.test(hint)) {
    const at = c.cacheKey;
    if (at === undefined) throw new Error(`${c.name}: the hint offers [cacheKey]() but the case has no method`);
    found.push({ remedy: '[cacheKey]()', apply: (s) => s.replace(at.after, `${at.after}\n  ${at.method}`) });
  }
  return found;
}

describe('every refusal hint, applied as written', { timeout: BUILD_TIMEOUT }, () => {
  it.each(cases)('$name', async (c) => {
    const refused = await build(c.source);
    const errors = refused.diagnostics.filter((d) => d.category === 'error');
    expect(errors.map((d) => d.code)).toEqual([c.code]);
    const offered = remedies(errors[0]?.hint ?? '', c);
    expect(offered.length).toBeGreaterThan(0);
    for (const { remedy, apply } of offered) {
      const fixed = apply(c.source);
      expect(fixed, remedy).not.toBe(c.source);
      const name = /export function (\w+)/.exec(fixed)?.[1];
      const built = await build(fixed, name === undefined ? [] : [`__cachet$${name}$text as text`]);
      expect(
        built.diagnostics.filter((d) => d.category === 'error'),
        remedy,
      ).toEqual([]);
      c.check(built, remedy);
    }
  });
});
