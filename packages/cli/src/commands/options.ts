import { parseDuration } from '@cachet/runtime';
import { type Context, stringOption } from '../command.js';
import { usageError } from '../errors.js';

/** A duration option (`30d`, `1h`) in ms, or undefined when absent; a bad one is a usage error. */
export function durationOption(ctx: Context, name: string): number | undefined {
  const text = stringOption(ctx, name);
  if (text === undefined) return undefined;
  try {
    const ms = parseDuration(text, `--${name}`);
    if (!Number.isFinite(ms)) throw new Error(`--${name} must be a finite duration, like 30d`);
    return ms;
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/** `--limit <n>`: a positive integer, or `fallback`. */
export function limitOption(ctx: Context, fallback: number): number {
  const text = stringOption(ctx, 'limit');
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--limit must be a positive integer, got "${text}"`);
  return n;
}
