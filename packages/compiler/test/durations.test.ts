/**
 * One duration grammar: every ttl and swr the build accepts is valid at run time with the same
 * value, and every one it refuses would fail at run time, over generated texts of the grammar and
 * near it.
 */
import { parseDuration, readDuration } from '@cachet/runtime/duration';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnnotation } from '../src/annotation.js';

const tag = (options: string) => ({ start: 0, commentStart: 0, options, optionsStart: 0 });

const number = fc.oneof(
  fc.nat({ max: 500 }).map(String),
  fc.tuple(fc.nat({ max: 9 }), fc.nat({ max: 99 })).map(([a, b]) => `${a}.${b}`),
);
const text = fc.oneof(
  fc.constant('forever'),
  fc
    .array(fc.tuple(number, fc.constantFrom('d', 'h', 'm', 's', 'ms', 'x', '')), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.map(([n, u]) => n + u).join('')),
);

describe('durations in annotations', () => {
  it('are accepted exactly when the runtime accepts them, with the same value', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('ttl', 'swr'), (value, option) => {
        const { annotation, errors } = parseAnnotation(tag(` ${option}=${value}`));
        let runtime: number | undefined;
        try {
          runtime = parseDuration(value);
        } catch {
          runtime = undefined;
        }
        expect(errors.length === 0).toBe(runtime !== undefined);
        if (errors.length === 0) expect(readDuration(annotation[option] as string)).toBe(runtime);
        else expect(errors[0]?.code).toBe('CACHET_E_BAD_DURATION');
      }),
      { seed: 20261202, numRuns: 1000 },
    );
  });

  it('accept compound durations and refuse zero with the fix', () => {
    expect(parseAnnotation(tag(' ttl=1h30m')).errors).toEqual([]);
    const [zero] = parseAnnotation(tag(' ttl=0s')).errors;
    expect(zero?.message).toBe('ttl "0s" is not positive');
    expect(zero?.hint).toMatch(/must be positive: to not cache, remove the annotation/);
    const [typo] = parseAnnotation(tag(' ttl=10x')).errors;
    expect(typo?.message).toBe('ttl "10x" is not a duration');
  });
});
