import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '../src');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\s+'([^']+)'|import\('([^']+)'\)/g;

/** Every module specifier reachable from `entry` through relative imports. */
function reachable(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2] ?? match[3]) as string;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(join(src, entry));
  return { files, external };
}

describe('browser entries', () => {
  it.each(['index.browser.ts', 'internal.browser.ts'])('%s imports nothing Node-only', (entry) => {
    const { files, external } = reachable(entry);
    expect([...external].filter((spec) => spec.startsWith('node:') || spec === 'better-sqlite3')).toEqual([]);
    expect([...files].some((file) => file.endsWith('node.ts'))).toBe(false);
  });

  it('the Node entry does reach the Node platform (the walker sees imports)', () => {
    const { external } = reachable('index.ts');
    expect(external.has('node:async_hooks')).toBe(true);
  });
});
