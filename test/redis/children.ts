/** Child node processes for the multi-process tests: started, read and stopped. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Child {
  readonly child: ChildProcess;
  readonly done: Promise<Finished>;
  stdout(): string;
  /** Sends one command line and resolves with the next line the child prints. */
  ask(line: string): Promise<unknown>;
}

/**
 * Starts `node fixtures/<name> ...args` with a local cache directory of its own (CACHET_DIR), as
 * a separate machine would have, removed when the child ends.
 */
export function start(name: string, args: string[]): Child {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'cachet-app-'));
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, CACHET_DIR: dir },
  });
  let stdout = '';
  let stderr = '';
  let read = 0;
  const waiting: (() => void)[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
    for (const wake of waiting.splice(0)) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const end = stdout.indexOf('\n', read);
      if (end !== -1) {
        const line = stdout.slice(read, end);
        read = end + 1;
        return line;
      }
      if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  return {
    child,
    done,
    stdout: () => stdout,
    async ask(line) {
      child.stdin?.write(`${line}\n`);
      return JSON.parse(await nextLine());
    },
  };
}

/** Polls `condition` every 5 ms until it holds, or fails after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
