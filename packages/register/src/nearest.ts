/** Looking up the directory tree, as TypeScript and Node do for tsconfig.json and package.json. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The path of the nearest `name` at or above `dir`, or undefined. */
export function nearest(dir: string, name: string): string | undefined {
  for (let current = dir; ; ) {
    const candidate = join(current, name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
