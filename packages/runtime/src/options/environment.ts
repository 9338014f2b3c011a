/**
 * Options read from environment variables, for a front end no code passes options to
 * (`node --import @cachet/register`): each option that declares `env` takes its variable's text,
 * read by the option's kind, then checked as options passed in code are. Mistakes are the
 * contract's problems, with their codes, thrown as one `CachetOptionError` naming the variables.
 */
import { checkOptions, type OptionProblem } from './check.js';
import { CachetOptionError } from './error.js';
import type { FrontEnd } from './front-ends.js';
import type { OptionSpec, Schema } from './schema.js';

/**
 * The options of `frontEnd` that `env` gives (an unset or empty variable gives nothing): JSON for
 * an object, `1`/`true` or `0`/`false` for a boolean, `0`/`false` for no directory, else the text.
 * Throws a `CachetOptionError` for a value the declarations refuse.
 */
export function optionsFromEnvironment(
  schema: Schema,
  frontEnd: FrontEnd,
  env: Readonly<Record<string, string | undefined>> | ((name: string) => string | undefined),
): Record<string, unknown> {
  const lookup = typeof env === 'function' ? env : (name: string) => env[name];
  const options: Record<string, unknown> = {};
  const problems: OptionProblem[] = [];
  const variables: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.env === undefined || !spec.frontEnds.includes(frontEnd)) continue;
    const text = lookup(spec.env);
    if (text === undefined || text === '') continue;
    const read = fromText(spec, text);
    const found =
      'problem' in read
        ? [
            {
              code: 'CACHET_E_BAD_OPTION_VALUE' as const,
              path: [name],
              message: `option ${name} has a bad value`,
              hint: read.problem,
            },
          ]
        : checkOptions(schema, frontEnd, { [name]: read.value });
    if (found.length === 0) options[name] = (read as { value: unknown }).value;
    else {
      problems.push(...found);
      variables.push(spec.env);
    }
  }
  if (problems.length > 0) throw new CachetOptionError(problems, undefined, variables.join(', '));
  return options;
}

function fromText(spec: OptionSpec, text: string): { value: unknown } | { problem: string } {
  switch (spec.kind) {
    case 'boolean':
      if (text === '1' || text === 'true') return { value: true };
      if (text === '0' || text === 'false') return { value: false };
      return { problem: `expected 1 or true (on), 0 or false (off), got ${JSON.stringify(text)}` };
    case 'directory':
      return { value: text === '0' || text === 'false' ? false : text };
    case 'object':
      try {
        return { value: JSON.parse(text) };
      } catch (error) {
        return { problem: `expected JSON, such as {"ttl":"10m"}: ${(error as Error).message}` };
      }
    default:
      return { value: text };
  }
}
