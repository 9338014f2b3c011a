/** Shared helpers of the persistent-store tests: temp directories, a recording logger, a clock. */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh directory under the system temp dir, removed after the current test. */
export function useTempDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'cachet-store-'));
    dirs.push(dir);
    return dir;
  };
}

/** A logger that keeps what it is told. */
export function recordingLogger(): {
  warnings: { message: string; cause: unknown }[];
  warn(message: string, cause?: unknown): void;
} {
  const warnings: { message: string; cause: unknown }[] = [];
  return { warnings, warn: (message, cause) => warnings.push({ message, cause }) };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/** Waits for the store's group commit (one tick). */
export function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Overwrites 256 KiB of the store's `cache.db` in `dir` after its first page, in place: a file
 * SQLite then finds corrupt (its header, and so its first open, still fine).
 */
export function damageDatabase(dir: string): void {
  const fd = openSync(join(dir, 'cache.db'), 'r+');
  try {
    const garbage = Buffer.alloc(4096 * 64, 0xa5);
    writeSync(fd, garbage, 0, garbage.length, 4096);
  } finally {
    closeSync(fd);
  }
}

/** The error `call` throws (undefined when it returns), for tests that look at the thrown value itself. */
export function raised(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}
