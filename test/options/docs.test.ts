/** The docs' options tables are the ones the declarations generate (`npm run docs:options`). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/docs-options.mjs', import.meta.url));

describe('options tables', () => {
  it('are up to date with the declarations', async () => {
    const checked = await run(process.execPath, [script, '--check']).then(
      () => '',
      (error: { stderr: string }) => error.stderr,
    );
    expect(checked).toBe('');
  });
});
