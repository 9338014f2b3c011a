/**
 * The one duration grammar: generated texts, valid and not, read as a reference reading of the
 * documented grammar reads them; `parseDuration` accepts exactly the positive ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expect-error.js';
import { durationProblem, parseDuration, readDuration } from '../src/duration.js';

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const ORDER = ['d', 'h', 'm', 's', 'ms'];
/** The grammar as a regular expression: parts in decreasing units, each at most once. */
const REFERENCE =
  /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;

function reference(text: string): number | undefined {
  if (text === 'forever') return Number.POSITIVE_INFINITY;
  const match = REFERENCE.exec(text);
  if (match === null || text === '') return undefined;
  return ORDER.reduce(
    (sum, unit, i) => sum + (match[i + 1] === undefined ? 0 : Number(match[i + 1]) * UNIT_MS[unit]!),
    0,
  );
}

const number = fc.oneof(
  fc.nat({ max: 1000 }).map(String),
  fc.tuple(fc.nat({ max: 99 }), fc.nat({ max: 99 })).map(([a, b]) => `${a}.${b}`),
);
/** Texts near the grammar: parts in any order, repeated units, stray characters. */
const near = fc
  .array(fc.tuple(number, fc.constantFrom('d', 'h', 'm', 's', 'ms', 'x', ' ', '')), { minLength: 0, maxLength: 4 })
  .map((parts) => parts.map(([n, u]) => n + u).join(''));
/** Texts of the grammar. */
const valid = fc
  .subarray(ORDER, { minLength: 1 })
  .chain((units) => fc.tuple(...units.map((u) => number.map((n) => n + u))))
  .map((parts) => parts.join(''));

describe('the duration grammar', () => {
  it('reads every text as the reference grammar does', () => {
    fc.assert(
      fc.property(fc.oneof(valid, near, fc.string(), fc.constant('forever')), (text) => {
        expect(readDuration(text)).toBe(reference(text));
      }),
      { seed: 20261202, numRuns: 2000 },
    );
  });

  it('parseDuration accepts exactly the positive durations, with their value', () => {
    fc.assert(
      fc.property(fc.oneof(valid, near), (text) => {
        const value = reference(text.trim()); // configuration is trimmed; annotations have no spaces
        if (value !== undefined && value > 0) expect(parseDuration(text)).toBe(value);
        else expectError(() => parseDuration(text), { code: 'CACHET_E_CONFIG', message: /is not a duration/ });
        const exact = reference(text);
        expect(durationProblem(text) === undefined).toBe(exact !== undefined && exact > 0);
      }),
      { seed: 20261202, numRuns: 2000 },
    );
  });

  it('reads compound durations, and refuses zero with the fix', () => {
    expect(readDuration('1h30m')).toBe(5_400_000);
    expect(readDuration('1d2h3m4s5ms')).toBe(93_784_005);
    expect(readDuration('30m1h')).toBeUndefined();
    expect(readDuration('1m1m')).toBeUndefined();
    expectError(() => parseDuration('0s', 'ttl'), {
      code: 'CACHET_E_CONFIG',
      message: 'ttl "0s" is not a duration: a duration must be positive: to not cache, remove the annotation',
    });
    expect(durationProblem('10x')).toMatch(/use a number and a unit/);
  });
});
