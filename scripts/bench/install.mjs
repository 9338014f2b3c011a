// Installs the benchmark's peer libraries into scripts/bench/node_modules (`npm ci` from
// scripts/bench/package-lock.json) when they are missing or older than that lockfile.
// `npm run bench` and `npm run bench:smoke` call it; the root install never pulls them in.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const lock = join(bench, 'package-lock.json');
const installed = join(bench, 'node_modules/.package-lock.json');

if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) process.exit(0);
process.stderr.write('installing the benchmark peers: npm ci --prefix scripts/bench\n');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
execFileSync(npm, ['ci', '--prefix', bench, '--no-audit', '--no-fund'], { stdio: 'inherit' });
