/**
 * Checks options given to a front end against the declarations: an option the front end does not
 * accept is `CACHET_E_UNKNOWN_OPTION` (with "did you mean" and, when another front end takes it,
 * where it belongs); a value its kind refuses is `CACHET_E_BAD_DURATION`, `CACHET_E_BAD_STORAGE`
 * or `CACHET_E_BAD_OPTION_VALUE`. Every front end reports the same problems; each says where.
 */
import { readDuration } from '../duration.js';
import { FRONT_ENDS, type FrontEnd } from './front-ends.js';
import { checks } from './kinds.js';
import type { OptionSpec, Schema } from './schema.js';

/** One mistake in options, with the path of the option (`['defaults', 'ttl']`). */
export interface OptionProblem {
  readonly code:
    | 'CACHET_E_UNKNOWN_OPTION'
    | 'CACHET_E_BAD_DURATION'
    | 'CACHET_E_BAD_STORAGE'
    | 'CACHET_E_BAD_OPTION_VALUE';
  readonly path: readonly string[];
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
}

/** The names a front end accepts at one level of a schema. */
export function accepted(schema: Schema, frontEnd: FrontEnd): string[] {
  return Object.keys(schema).filter((name) => (schema[name] as OptionSpec).frontEnds.includes(frontEnd));
}

/** Every mistake in `input` as options of `frontEnd`; an empty list when there is none. */
export function checkOptions(
  schema: Schema,
  frontEnd: FrontEnd,
  input: unknown,
  path: readonly string[] = [],
): OptionProblem[] {
  if (input === undefined) return [];
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return [badValue(path, `expected an object of options, got ${JSON.stringify(input)}`)];
  const problems: OptionProblem[] = [];
  for (const [name, value] of Object.entries(input)) {
    const spec = Object.hasOwn(schema, name) ? schema[name] : undefined;
    const at = [...path, name];
    if (spec === undefined || !spec.frontEnds.includes(frontEnd)) {
      problems.push(unknownOption(schema, frontEnd, at, spec));
      continue;
    }
    if (value === undefined) continue;
    problems.push(...checkValue(spec, frontEnd, value, at));
  }
  return problems;
}

/** The mistakes in one option's value. */
export function checkValue(
  spec: OptionSpec,
  frontEnd: FrontEnd,
  value: unknown,
  path: readonly string[],
): OptionProblem[] {
  const problem = checks[spec.kind](value, spec);
  if (problem !== undefined) {
    const name = path.join('.');
    if (spec.kind === 'duration') {
      const positive = typeof value === 'number' || (typeof value === 'string' && readDuration(value) !== undefined);
      const what = positive ? 'is not positive' : 'is not a duration';
      const hint = positive ? notPositiveHint(frontEnd, path) : problem;
      return [{ code: 'CACHET_E_BAD_DURATION', path, message: `${name} ${describe(value)} ${what}`, hint }];
    }
    if (spec.kind === 'storage')
      return [
        {
          code: 'CACHET_E_BAD_STORAGE',
          path,
          message: `${name} ${describe(value)} is neither a built-in storage nor a store name`,
          hint: problem,
        },
      ];
    return [badValue(path, problem)];
  }
  return spec.fields === undefined ? [] : checkOptions(spec.fields, frontEnd, value, path);
}

/**
 * What to write instead of a duration that is not positive, for where it was written: a ttl of
 * zero reads as "do not cache", which only leaving the function uncached does.
 */
function notPositiveHint(frontEnd: FrontEnd, path: readonly string[]): string {
  const name = path[path.length - 1];
  const written = path.join('.');
  if (name === 'ttl') {
    if (frontEnd === 'tag') return 'a duration must be positive: to not cache, remove the annotation';
    if (frontEnd === 'cached')
      return 'a duration must be positive: to not cache, call the function itself, not cached(fn)';
    return `a duration must be positive: for entries that never expire, leave ${written} out or write forever; to not cache a function, remove its @cached annotation`;
  }
  if (name === 'swr') return `a duration must be positive: to serve no stale value, leave ${written} out`;
  return `a duration must be positive: leave ${written} out for its default`;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function badValue(path: readonly string[], hint: string): OptionProblem {
  return { code: 'CACHET_E_BAD_OPTION_VALUE', path, message: `option ${path.join('.')} has a bad value`, hint };
}

function unknownOption(
  schema: Schema,
  frontEnd: FrontEnd,
  path: readonly string[],
  spec: OptionSpec | undefined,
): OptionProblem {
  const name = path[path.length - 1] as string;
  const names = accepted(schema, frontEnd);
  const elsewhere =
    spec === undefined ? '' : `${name} is an option of ${spec.frontEnds.map((f) => FRONT_ENDS[f]).join(', ')}; `;
  const guess = near(names, name);
  return {
    code: 'CACHET_E_UNKNOWN_OPTION',
    path,
    message: `unknown option "${path.join('.')}"`,
    hint: `${elsewhere}${guess === undefined ? '' : `did you mean ${guess}? `}${
      names.length === 0 ? 'it takes no options' : `options are ${names.join(', ')}`
    }`,
  };
}

/** The name in `names` closest to `name` within two edits, for "did you mean". */
export function near(names: readonly string[], name: string): string | undefined {
  return names.find((option) => distance(option.toLowerCase(), name.toLowerCase()) <= 2);
}

/** Edit distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
