/** The transform cache on its own: what it serves, and everything it must refuse to serve. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTransformCache, type TransformOutput, transformKey } from '../src/transform-cache.js';

const tmp = fileURLToPath(new URL('./.tmp', import.meta.url));
let dir: string;
let typesFile: string;

beforeEach(() => {
  mkdirSync(tmp, { recursive: true });
  dir = mkdtempSync(join(tmp, 'transform-cache-'));
  typesFile = join(dir, 'types.ts');
  writeFileSync(typesFile, 'export interface Query { city: string }\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const output: TransformOutput = { code: 'export function f(q) {}\n', diagnostics: [] };
const key = transformKey(['stamp', '{}', '/app/src/app.ts', 'source text']);

function entryFiles(cacheDir: string): string[] {
  return readdirSync(cacheDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(cacheDir, f));
}

describe('transform cache', () => {
  it('serves what was stored while its inputs are unchanged, across instances', () => {
    const cacheDir = join(dir, 'cache');
    createTransformCache(cacheDir).set(key, output, [typesFile]);
    expect(createTransformCache(cacheDir).get(key)).toEqual(output);
    expect(readdirSync(cacheDir, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('keeps a file without edits as such', () => {
    const cache = createTransformCache(join(dir, 'cache'));
    cache.set(key, { code: undefined, diagnostics: [] }, []);
    expect(cache.get(key)).toEqual({ code: undefined, diagnostics: [] });
  });

  it('misses when any part of the key differs', () => {
    const cache = createTransformCache(join(dir, 'cache'));
    cache.set(key, output, []);
    expect(cache.get(transformKey(['stamp', '{}', '/app/src/app.ts', 'source text!']))).toBeUndefined();
    expect(cache.get(transformKey(['stamp 2', '{}', '/app/src/app.ts', 'source text']))).toBeUndefined();
  });

  it('misses when an input changed, appeared or went away', () => {
    const cache = createTransformCache(join(dir, 'cache'));
    const later = join(dir, 'later.d.ts');
    cache.set(key, output, [typesFile, later]);
    writeFileSync(later, 'declare const x: number;\n');
    expect(cache.get(key)).toBeUndefined();
    rmSync(later);
    expect(cache.get(key)).toEqual(output);
    writeFileSync(typesFile, 'export interface Query { city: string; days: number }\n');
    expect(cache.get(key)).toBeUndefined();
    rmSync(typesFile);
    expect(cache.get(key)).toBeUndefined();
  });

  it('misses on a corrupt, truncated or foreign entry', () => {
    const cacheDir = join(dir, 'cache');
    const cache = createTransformCache(cacheDir);
    cache.set(key, output, []);
    const [file] = entryFiles(cacheDir) as [string];
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length / 2));
    expect(cache.get(key)).toBeUndefined();
    writeFileSync(file, text.replace('cachet-register-transform-1', 'cachet-register-transform-0'));
    expect(cache.get(key)).toBeUndefined();
    // An entry stored under another key (a renamed file) is not this key's.
    writeFileSync(file, text.replace(key, transformKey(['other'])));
    expect(cache.get(key)).toBeUndefined();
  });

  it('never fails the load when the directory cannot be written', () => {
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the cache directory should be');
    const cache = createTransformCache(join(blocked, 'cache'));
    expect(() => cache.set(key, output, [])).not.toThrow();
    expect(cache.get(key)).toBeUndefined();
  });
});
