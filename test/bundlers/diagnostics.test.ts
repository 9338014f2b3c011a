/**
 * Diagnostics identical on every front end: each mistake in fixture/mistakes/mistakes.ts is
 * reported by tspc, Vite, Rollup, Rolldown, esbuild, webpack and Rspack with the same code,
 * message, 1-based line and column, and code frame. Each front end runs as a user runs it (its
 * command-line tool, or for esbuild, webpack and Rspack a script printing what their tools print),
 * and the test reads what it printed. The expected places come from the fixture's marker comments.
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify, stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = join(here, 'fixture/mistakes');
// Under the repository (as deep as the fixture), so the tools and the plugin resolve from its node_modules.
const dir = join(here, '.tmp/diagnostics');
const bin = (name: string, path: string): string => join(here, '../../node_modules', name, path);

const frontEnds: Readonly<Record<string, readonly string[]>> = {
  tspc: [bin('ts-patch', 'bin/tspc.js'), '-p', '.'],
  vite: [bin('vite', 'bin/vite.js'), 'build'],
  rollup: [bin('rollup', 'dist/bin/rollup'), '-c'],
  rolldown: [bin('rolldown', 'bin/cli.mjs'), '-c'],
  esbuild: ['esbuild.mjs'],
  webpack: ['webpack.mjs', 'webpack'],
  rspack: ['webpack.mjs', 'rspack'],
};
const names = Object.keys(frontEnds);

/** What one front end reported about one place. */
interface Finding {
  readonly code: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** The line and the carets under it, without the tool's own indentation. */
  readonly frame: string;
}

/** The fixture's marker comments: `//   ^^^ CACHET_X` under the mistake's line. */
function mistakes(): Omit<Finding, 'message'>[] {
  const lines = readFileSync(join(fixture, 'mistakes.ts'), 'utf8').split('\n');
  return lines.flatMap((marker, index) => {
    const match = /^(\s*\/\/\s*)(\^+) (CACHET_\w+)$/.exec(marker);
    if (match === null) return [];
    const [, before = '', carets = '', code = ''] = match;
    const line = index; // 1-based: the line above the marker
    const text = lines[index - 1] ?? '';
    const frame = `  ${line} | ${text}\n  ${' '.repeat(String(line).length)} | ${' '.repeat(before.length)}${carets}`;
    return [{ code, line, column: before.length + 1, frame }];
  });
}

const LOCATION = /mistakes\.ts(?::(\d+):(\d+)|\((\d+),(\d+)\)| \((\d+):(\d+)\))/;
const FRAME_LINE = / {2}(\d+) \| /;

/**
 * The findings in a tool's output. A finding is a line holding `CACHET_X: message`, its location
 * in the tool's syntax (`file:line:column`, `file(line,column)` or `file (line:column)`) on that
 * line or the one before, and the code frame within the three lines after it.
 */
function findingsIn(output: string): Finding[] {
  const lines = stripVTControlCharacters(output).split('\n');
  return lines.flatMap((text, index) => {
    const match = /\b(CACHET_[EW]_[A-Z_]+): (.*)$/.exec(text);
    if (match === null) return [];
    const [, code = '', message = ''] = match;
    const at = LOCATION.exec(text.slice(0, match.index)) ?? LOCATION.exec(lines[index - 1] ?? '');
    const [line, column] = (at?.slice(1).filter((n) => n !== undefined) ?? []).map(Number);
    const start = lines.slice(index + 1, index + 4).findIndex((l) => FRAME_LINE.test(l)) + index + 1;
    const indent = (lines[start] ?? '').search(FRAME_LINE);
    const frame = [lines[start], lines[start + 1]]
      .map((l) => (l ?? '').slice(Math.max(indent, 0)).replace(/ \[plugin unplugin-cachet\]$/, ''))
      .join('\n');
    return [{ code, line: line ?? 0, column: column ?? 0, message: message.trim(), frame }];
  });
}

interface Outcome {
  readonly exitCode: number;
  readonly output: string;
}

describe('diagnostics on every front end', () => {
  const outcomes = new Map<string, Outcome>();
  const expected = mistakes();

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    cpSync(fixture, dir, { recursive: true });
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    // One at a time: the machine's cores are shared with the other test files.
    for (const [name, args] of Object.entries(frontEnds)) {
      try {
        const { stdout, stderr } = await run(process.execPath, [...args], { cwd: dir, env });
        outcomes.set(name, { exitCode: 0, output: `${stdout}\n${stderr}` });
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        outcomes.set(name, { exitCode: failed.code ?? 1, output: `${failed.stdout ?? ''}\n${failed.stderr ?? ''}` });
      }
    }
  }, 600_000);

  const findings = (name: string): Finding[] => findingsIn(outcomes.get(name)?.output ?? '');

  it('the fixture marks each mistake once', () => {
    expect(expected.map((m) => m.code)).toEqual([
      'CACHET_E_BAD_DURATION',
      'CACHET_E_UNKNOWN_OPTION',
      'CACHET_E_UNKEYABLE',
      'CACHET_E_HIDDEN_STATE',
      'CACHET_E_UNKNOWN_STORE',
      'CACHET_W_REFLECTIVE',
    ]);
  });

  it('every front end fails the build and reports each mistake once, nothing else', () => {
    const all = (value: unknown) => Object.fromEntries(names.map((name) => [name, value]));
    const failed = Object.fromEntries(names.map((name) => [name, outcomes.get(name)?.exitCode !== 0]));
    expect(failed).toEqual(all(true));
    const codes = Object.fromEntries(
      names.map((name) => [
        name,
        findings(name)
          .map((f) => f.code)
          .sort(),
      ]),
    );
    expect(codes, JSON.stringify(Object.fromEntries(outcomes), null, 1)).toEqual(
      all(expected.map((m) => m.code).sort()),
    );
  });

  it('tspc --pretty: tsc draws the frame, Cachet adds none', async () => {
    const [first] = expected;
    const pretty = await run(process.execPath, [...(frontEnds.tspc ?? []), '--pretty'], { cwd: dir }).catch(
      (error: { stdout: string }) => error,
    );
    const output = stripVTControlCharacters(pretty.stdout);
    expect(output).toContain(`mistakes.ts:${first?.line}:${first?.column} - error TS990002: ${first?.code}: `);
    expect(output).not.toContain(first?.frame);
    expect(output).toMatch(/^ +~~~$/m);
  });

  it.each(expected)('$code at $line:$column: the same code, message, place and frame everywhere', (mistake) => {
    const reported = Object.fromEntries(
      names.map((name) => [name, findings(name).filter((f) => f.code === mistake.code)]),
    );
    const message = reported.tspc?.[0]?.message ?? '';
    expect(reported).toEqual(Object.fromEntries(names.map((name) => [name, [{ ...mistake, message }]])));
    expect(
      `mistakes.ts:${mistake.line}:${mistake.column} ${mistake.code}: ${message}\n${mistake.frame}`,
    ).toMatchSnapshot();
  });
});
