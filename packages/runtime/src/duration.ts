import { CachetConfigError } from './errors.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Parses a duration as the annotation writes it (`250ms`, `30s`, `10m`, `12h`, `7d`, `forever`)
 * into milliseconds; `forever` is `Infinity`. Numbers are taken as milliseconds.
 */
export function parseDuration(value: string | number, what = 'duration'): number {
  if (typeof value === 'number') {
    if (value > 0 && !Number.isNaN(value)) return value;
    throw new CachetConfigError(`${what} must be a positive number of milliseconds, got ${value}`);
  }
  const text = value.trim();
  if (text === 'forever') return Number.POSITIVE_INFINITY;
  const match = DURATION.exec(text);
  const amount = match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] as string] as number);
  if (!(amount > 0)) {
    throw new CachetConfigError(`${what} "${value}" is not a duration: use 250ms, 30s, 10m, 12h, 7d or forever`);
  }
  return amount;
}
