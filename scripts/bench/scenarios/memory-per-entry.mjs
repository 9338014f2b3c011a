/**
 * Bytes per memory-tier entry: runs scripts/bench/memory-per-entry.mjs in a child process of its
 * own (it needs --expose-gc, and a heap no other scenario has touched).
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), '../memory-per-entry.mjs');

export function memoryPerEntry({ smoke }) {
  const args = ['--expose-gc', script, '--json', ...(smoke ? ['--smoke'] : [])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 2 ** 20 }, (error, stdout) => {
      if (error) return reject(error);
      const { entries, rows } = JSON.parse(stdout);
      resolve({
        title: `Memory per entry, ${entries / 1000}k small entries`,
        kind: 'bytes',
        baseline: 'lru-cache',
        rows,
      });
    });
  });
}
