/**
 * Once per vitest run: afterwards, removes test/.tmp, where the tspc tests put the projects they
 * compile (one new folder per test, which would otherwise pile up run after run).
 * `CACHET_KEEP_TMP=1` keeps it for a look at what a test built.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const testTmp = fileURLToPath(new URL('../.tmp/', import.meta.url));

export default function setup(): () => void {
  return () => {
    if (process.env.CACHET_KEEP_TMP === '1') return;
    rmSync(testTmp, { recursive: true, force: true });
  };
}
