/**
 * A value no codec gives back as it was (a class instance, an object without a prototype, a
 * function) never goes to a persistent tier: read back, a class instance came back as a plain
 * object without its methods, so another process (or this one, without a memory tier) got a
 * different value from the one the function returned.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cached, close, configure } from '../src/index.js';
import { define } from '../src/internal.js';

const dir = mkdtempSync(join(tmpdir(), 'cachet-unstorable-'));
const warnings: string[] = [];
configure({ dir, logger: { warn: (message) => warnings.push(message) } });
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

describe('values a persistent tier cannot give back', () => {
  it('a class instance stays out of SQLite: the next call runs again and returns the class', () => {
    let runs = 0;
    const f = cached(
      (n: number) => {
        runs++;
        return new Point(n, n);
      },
      { id: 'unstorable-point', storage: 'sqlite' },
    );
    expect(f(3).norm()).toBeCloseTo(Math.hypot(3, 3));
    const again = f(3);
    expect(again).toBeInstanceOf(Point);
    expect(again.norm()).toBeCloseTo(Math.hypot(3, 3));
    expect(runs).toBe(2);
    f(4);
    expect(warnings.filter((w) => w.includes('unstorable-point'))).toEqual([
      'unstorable-point returned an instance of Point, which a persistent tier would not give back as it was; that value stays in memory only',
    ]);
  });

  it('an object without a prototype, or one holding a function, stays out too', () => {
    let runs = 0;
    const dictionary = cached(
      (n: number) => {
        runs++;
        return Object.assign(Object.create(null) as Record<string, number>, { n });
      },
      { id: 'unstorable-dictionary', storage: 'sqlite' },
    );
    expect(Object.getPrototypeOf(dictionary(1))).toBeNull();
    expect(Object.getPrototypeOf(dictionary(1))).toBeNull();
    expect(runs).toBe(2);
    const withFunction = cached((n: number) => ({ n, f: () => n }), { id: 'unstorable-function', storage: 'sqlite' });
    expect(withFunction(1).f()).toBe(1);
    expect(withFunction(1).f()).toBe(1);
    expect(warnings.some((w) => w.startsWith('unstorable-dictionary returned an object without a prototype'))).toBe(
      true,
    );
    expect(warnings.some((w) => w.startsWith('unstorable-function returned a value holding'))).toBe(true);
    const inMap = cached((n: number) => new Map([['p', new Point(n, n)]]), { id: 'unstorable-map', storage: 'sqlite' });
    expect(inMap(1).get('p')).toBeInstanceOf(Point);
    expect(inMap(1).get('p')).toBeInstanceOf(Point);
    expect(warnings.some((w) => w.startsWith('unstorable-map returned a value holding'))).toBe(true);
  });

  it('plain data and the built-ins the codecs keep are stored as before, and the memory tier keeps the instance', () => {
    let runs = 0;
    const data = cached(
      (n: number) => {
        runs++;
        return { n, at: new Date(n), tags: new Set(['a']) };
      },
      { id: 'storable-data', storage: 'sqlite' },
    );
    expect(data(1)).toEqual({ n: 1, at: new Date(1), tags: new Set(['a']) });
    expect(data(1)).toEqual({ n: 1, at: new Date(1), tags: new Set(['a']) });
    expect(runs).toBe(1);
    let made = 0;
    const tiered = cached(
      (n: number) => {
        made++;
        return new Point(n, 0);
      },
      { id: 'unstorable-tiered', storage: 'tiered' },
    );
    const first = tiered(2);
    expect(tiered(2)).toBe(first); // the memory tier holds the instance itself
    expect(made).toBe(1);
  });
});

/**
 * Compiled code chooses a codec from the return type, but types are structural: a function typed
 * to return `{ x: number; y: number }` may return a `Point`, and `json` chosen for a type may
 * meet `{ x: undefined }`. The value decides, as for `cached()`.
 */
describe('a codec chosen at build time is confirmed against each value', () => {
  const byNumber = { text: (args: ArrayLike<unknown>) => String(args[0]) };

  it('json chosen for a plain object type, a class instance returned: kept in memory only', () => {
    let runs = 0;
    const f = define(
      { id: 'compiled-json-point', storage: 'sqlite', codec: 'json', encoder: byNumber },
      (n: number) => {
        runs++;
        return new Point(n, n);
      },
    );
    expect(f.call1(undefined, 5)).toBeInstanceOf(Point);
    const again = f.call1(undefined, 5) as Point;
    expect(again).toBeInstanceOf(Point);
    expect(again.norm()).toBeCloseTo(Math.hypot(5, 5));
    expect(runs).toBe(2);
    expect(warnings).toContain(
      'compiled-json-point returned an instance of Point, which a persistent tier would not give back as it was; that value stays in memory only',
    );
  });

  it('v8 chosen for a Map type, a Map holding a class instance or a prototype-less object: kept in memory only', () => {
    let runs = 0;
    const f = define({ id: 'compiled-v8-map', storage: 'sqlite', codec: 'v8', encoder: byNumber }, (n: number) => {
      runs++;
      return new Map<string, unknown>([
        ['p', new Point(n, 0)],
        ['d', Object.create(null)],
      ]);
    });
    expect((f.call1(undefined, 1) as Map<string, unknown>).get('p')).toBeInstanceOf(Point);
    expect((f.call1(undefined, 1) as Map<string, unknown>).get('p')).toBeInstanceOf(Point);
    expect(runs).toBe(2);
    expect(warnings.some((w) => w.startsWith('compiled-v8-map returned a value holding'))).toBe(true);
  });

  it('json chosen, a member set to undefined: stored with v8, so the member is still there when read back', () => {
    let runs = 0;
    const f = define(
      { id: 'compiled-json-undefined', storage: 'sqlite', codec: 'json', encoder: byNumber },
      (n: number) => {
        runs++;
        return { n, note: undefined as string | undefined };
      },
    );
    expect(f.call1(undefined, 1)).toEqual({ n: 1, note: undefined });
    const read = f.call1(undefined, 1) as object;
    expect(runs).toBe(1);
    expect(Object.keys(read)).toEqual(['n', 'note']);
  });

  it('the value the type foresaw is stored with the chosen codec and read back from SQLite', () => {
    let runs = 0;
    const f = define({ id: 'compiled-v8-date', storage: 'sqlite', codec: 'v8', encoder: byNumber }, (n: number) => {
      runs++;
      return { at: new Date(n) };
    });
    expect(f.call1(undefined, 7)).toEqual({ at: new Date(7) });
    expect(f.call1(undefined, 7)).toEqual({ at: new Date(7) });
    expect(runs).toBe(1);
  });
});
