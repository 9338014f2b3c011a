/** tsc writes files without the executable bit; the `cachet` command needs it to run as `npx cachet`. */
import { chmodSync } from 'node:fs';

chmodSync(new URL('../packages/cli/dist/bin.js', import.meta.url), 0o755);
