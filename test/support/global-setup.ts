/**
 * Once per vitest run: afterwards, removes test/.tmp, where the tspc tests put the projects they
 * compile (one new folder per test, which would otherwise pile up run after run).
 * `CACHET_KEEP_TMP=1` keeps it for a look at what a test built.
 *
 * Two runs in one checkout (a focused run beside the whole suite) share test/.tmp: each marks
 * itself in test/.tmp/.runs while it runs, and only the last one to end removes the folder, so a
 * short run never deletes the projects a longer one is still compiling.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const testTmp = fileURLToPath(new URL('../.tmp/', import.meta.url));
const runs = join(testTmp, '.runs');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default function setup(): () => void {
  const mark = join(runs, String(process.pid));
  mkdirSync(runs, { recursive: true });
  writeFileSync(mark, '');
  return () => {
    rmSync(mark, { force: true });
    if (process.env.CACHET_KEEP_TMP === '1') return;
    let others: string[] = [];
    try {
      others = readdirSync(runs).filter((name) => alive(Number(name)));
    } catch {
      // test/.tmp is gone already
    }
    if (others.length === 0) rmSync(testTmp, { recursive: true, force: true });
  };
}
