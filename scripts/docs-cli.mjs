/**
 * Writes the generated parts of docs/cli.md (commands, options, exit codes) from the CLI's own
 * declarations, as built (`npm run docs:cli` builds first). With `--check`, writes nothing and
 * exits 1 when the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { commands } from '../packages/cli/dist/main.js';
import { cliReference, fillRegions } from '../packages/cli/dist/reference.js';

const file = new URL('../docs/cli.md', import.meta.url);
const current = readFileSync(file, 'utf8');
const updated = fillRegions(current, cliReference(commands));
if (updated === current) console.log('docs/cli.md is up to date');
else if (process.argv.includes('--check')) {
  console.error('docs/cli.md is out of date: run npm run docs:cli');
  process.exitCode = 1;
} else {
  writeFileSync(file, updated);
  console.log('docs/cli.md updated');
}
