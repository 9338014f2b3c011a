/**
 * Every shell command the README shows works in a clone of this repository: each is recognised
 * here, the npm scripts and files it names exist, the packages it installs are this repository's
 * or its dependencies (never an unrelated registry name), and the `cachet` commands run, on a
 * real cache. A command this test does not recognise fails it: a new README command needs a rule.
 * The expensive ones (`npm ci`, `npm test`, the playground) are what CI runs anyway.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRejection } from '../support/expect-error.js';
import { cachet, copyCache, populatedCache, removeTemps } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { name?: string }>;
};

/** The commands of the README's `sh` blocks, one per line, without their comments. */
function shellCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const [, body] of markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    for (const line of (body as string).split('\n')) {
      const command = line.replace(/\s+#\s.*$/, '').trim();
      if (command !== '') commands.push(command);
    }
  }
  return commands;
}

/** Words of a command line, with single-quoted words unquoted. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((match) => (match[1] ?? match[2]) as string);
}

/** Names npm resolves without the registry's help: this repository's workspaces and locked dependencies. */
const known = new Set(
  Object.entries(lock.packages).flatMap(([path, entry]) => [
    ...(entry.name === undefined ? [] : [entry.name]),
    ...(path.startsWith('node_modules/')
      ? [path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)]
      : []),
  ]),
);

let cache: string;
beforeAll(async () => {
  cache = await populatedCache();
});
afterAll(removeTemps);

/** Runs `cachet <argv>` on a copy of a populated cache; placeholders get real values. */
async function runCachet(argv: string[]): Promise<void> {
  const args = argv
    .filter((word) => word !== '[fn]')
    .map((word) => (word === '<fn>' ? 'users.load' : word))
    .filter((word, i, all) => word !== '--dir' && all[i - 1] !== '--dir');
  if (args[0] === 'serve') args.push('--port', '0');
  const ran = await cachet([...args, '--dir', copyCache(cache)]);
  // 0 done, 4 nothing matched: a valid command either way (1 failed, 2 bad command line, 3 no cache).
  expect([0, 4], `cachet ${args.join(' ')}: ${ran.stderr}`).toContain(ran.code);
}

/** Checks (or, for `cachet`, runs) one command; throws for a command no rule covers. */
async function check(command: string): Promise<void> {
  for (const part of command.split(' && ')) {
    const [tool, ...rest] = words(part);
    const [sub, ...args] = rest;
    if (tool === 'cachet') {
      await runCachet(rest);
    } else if (tool === 'npm' && sub === 'run' && args[0] === 'cachet' && args[1] === '--') {
      // The root script runs the built bin (npm test has built it) in place of an npx lookup.
      expect(pkg.scripts.cachet).toBe('node packages/cli/dist/bin.js');
      expect(existsSync(join(root, 'packages/cli/dist/bin.js'))).toBe(true);
      await runCachet(args.slice(2));
    } else if (tool === 'npm' && sub === 'run') {
      expect(Object.keys(pkg.scripts), part).toContain(args[0]);
    } else if (tool === 'npm' && (sub === 'ci' || sub === 'test') && args.length === 0) {
      // the setup and the test command: CI runs both on a clean clone
    } else if (tool === 'npm' && sub === 'install') {
      const names = args.filter((word) => !word.startsWith('-'));
      expect(names.length, part).toBeGreaterThan(0);
      for (const name of names) expect(known.has(name), `${part}: ${name} is not this repository's`).toBe(true);
    } else if (tool === 'node') {
      expect(existsSync(join(root, sub as string)), part).toBe(true);
    } else {
      throw new Error(
        `the README shows \`${part}\`, which this test has no rule for (npx may fetch a registry package)`,
      );
    }
  }
}

describe('the README’s commands', () => {
  const commands = shellCommands(readme);

  it('has the setup, test and cachet commands', () => {
    expect(commands).toContain('npm test');
    expect(commands.some((command) => command.startsWith('npm ci && npm run playground'))).toBe(true);
    expect(commands.filter((command) => command.startsWith('cachet ')).length).toBeGreaterThanOrEqual(7);
    expect(commands.some((command) => /^npx\b/.test(command))).toBe(false);
  });

  it.each(commands)('%s', async (command) => {
    await check(command);
  });

  it('refuses a command it has no rule for, and a package that is not this repository’s', async () => {
    await expectRejection(() => check('npx cachet stats'), { message: /no rule/ });
    await expectRejection(() => check('npm install cachet-unrelated'), { message: /not this repository/ });
    await expectRejection(() => check('npm run no-such-script'), { message: /no-such-script/ });
  });
});
