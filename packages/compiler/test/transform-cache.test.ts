/** The persistent transform cache on its own: what it serves, and everything it must refuse to serve. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeStamp, createTransformCache, hashText } from '../src/transform-cache.js';

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

interface Output {
  readonly code: string | undefined;
}
const output: Output = { code: 'export function f(q) {}\n' };
const app = '/app/src/app.ts';
const key = hashText('stamp', '{}', 'source text');
const open = (cacheDir: string, warn?: (message: string) => void) =>
  createTransformCache<Output>({ dir: cacheDir, ...(warn === undefined ? {} : { warn }) });

describe('transform cache', () => {
  it('serves what was stored while its inputs are unchanged, across instances; no temporary files stay', () => {
    const cacheDir = join(dir, 'cache');
    open(cacheDir).set(app, key, [typesFile], output);
    expect(open(cacheDir).get(app, key)?.value).toEqual(output);
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('misses when the key or the file differs', () => {
    const cache = open(join(dir, 'cache'));
    cache.set(app, key, [], output);
    expect(cache.get(app, hashText('stamp', '{}', 'source text!'))).toBeUndefined();
    expect(cache.get(app, hashText('stamp 2', '{}', 'source text'))).toBeUndefined();
    expect(cache.get('/app/src/other.ts', key)).toBeUndefined();
  });

  it('misses when an input changed, appeared or went away (stamps are read again after refresh)', () => {
    const cache = open(join(dir, 'cache'));
    const later = join(dir, 'later.d.ts');
    cache.set(app, key, [typesFile, later], output);
    writeFileSync(later, 'declare const x: number;\n');
    cache.refresh();
    expect(cache.get(app, key)).toBeUndefined();
    rmSync(later);
    cache.refresh();
    expect(cache.get(app, key)?.value).toEqual(output);
    writeFileSync(typesFile, 'export interface Query { city: string; days: number }\n');
    cache.refresh();
    expect(cache.get(app, key)).toBeUndefined();
    rmSync(typesFile);
    expect(open(join(dir, 'cache')).get(app, key)).toBeUndefined();
  });

  it('misses on a corrupt, truncated or foreign entry', () => {
    const cacheDir = join(dir, 'cache');
    const cache = open(cacheDir);
    cache.set(app, key, [], output);
    const [name] = readdirSync(cacheDir) as [string];
    const file = join(cacheDir, name);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length / 2));
    expect(cache.get(app, key)).toBeUndefined();
    writeFileSync(file, text.replace('"format":1', '"format":0'));
    expect(cache.get(app, key)).toBeUndefined();
    writeFileSync(file, text.replace(app, '/app/src/renamed.ts'));
    expect(cache.get(app, key)).toBeUndefined();
    writeFileSync(file, text);
    expect(cache.get(app, key)?.value).toEqual(output);
  });

  it('never fails when the directory cannot be written, and says so once', () => {
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the cache directory should be');
    const warnings: string[] = [];
    const cache = open(join(blocked, 'cache'), (message) => warnings.push(message));
    expect(() => cache.set(app, key, [], output)).not.toThrow();
    expect(() => cache.set('/app/src/b.ts', key, [], output)).not.toThrow();
    expect(cache.get(app, key)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot write the transform cache/);
  });

  it('stamps code by version and build time: a rebuilt module changes the stamp', () => {
    const pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{ "version": "1.2.3" }');
    const entry = join(pkg, 'dist/index.js');
    writeFileSync(entry, 'export {};\n');
    const before = codeStamp([entry]);
    expect(before).toMatch(/^1\.2\.3 \d/);
    expect(codeStamp([entry])).toBe(before);
    const later = new Date(Date.now() + 10_000);
    writeFileSync(join(pkg, 'dist/more.js'), 'export {};\n');
    utimesSync(join(pkg, 'dist/more.js'), later, later);
    expect(codeStamp([entry])).not.toBe(before);
  });
});
