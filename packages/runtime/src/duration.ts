/**
 * The one duration grammar of Cachet: the compiler checks annotations with `readDuration` and the
 * runtime parses configuration with `parseDuration`, so every value a build accepts is valid at
 * run time, with the same meaning. (Exported as `@cachet/runtime/duration`, which loads nothing
 * else, for the compiler.)
 *
 *   duration := "forever" | part+        parts in decreasing units, each unit at most once
 *   part     := number unit              number: digits, optionally a fraction (`1.5h`)
 *   unit     := "d" | "h" | "m" | "s" | "ms"
 *
 * `250ms`, `30s`, `10m`, `1h30m`, `1.5h`, `7d`, `forever`. The value must be positive.
 */
import { CachetConfigError } from './errors.js';

/** Units, largest first: the order parts must come in. */
const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

const PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;

/** What a duration's text means, in milliseconds (`forever` is Infinity); undefined if it has none. */
export function readDuration(text: string): number | undefined {
  if (text === 'forever') return Number.POSITIVE_INFINITY;
  let total = 0;
  let at = 0;
  let lastUnit = -1;
  while (at < text.length) {
    PART.lastIndex = at;
    const match = PART.exec(text);
    if (match === null) return undefined;
    const unit = UNITS.findIndex(([name]) => name === match[2]);
    if (unit <= lastUnit) return undefined; // `30m1h`, `1h1h`: not in decreasing order
    lastUnit = unit;
    total += Number(match[1]) * (UNITS[unit] as readonly [string, number])[1];
    at = PART.lastIndex;
  }
  return at === 0 ? undefined : total;
}

/** Why a duration is refused, as one line with the fix; undefined when it is a valid one. */
export function durationProblem(text: string): string | undefined {
  const value = readDuration(text);
  if (value === undefined) return 'use a number and a unit (250ms, 30s, 10m, 12h, 7d), parts such as 1h30m, or forever';
  if (!(value > 0)) return 'a duration must be positive: to not cache, remove the annotation';
  return undefined;
}

/**
 * Parses a duration (see the grammar above) into milliseconds; `forever` is `Infinity`. Numbers
 * are taken as milliseconds.
 */
export function parseDuration(value: string | number, what = 'duration'): number {
  if (typeof value === 'number') {
    if (value > 0 && !Number.isNaN(value)) return value;
    throw new CachetConfigError(`${what} must be a positive number of milliseconds, got ${value}`);
  }
  const text = value.trim();
  const problem = durationProblem(text);
  if (problem !== undefined) throw new CachetConfigError(`${what} "${value}" is not a duration: ${problem}`);
  return readDuration(text) as number;
}
