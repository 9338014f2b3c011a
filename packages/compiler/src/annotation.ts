/**
 * The annotation's options: `name=value` separated by spaces or commas, or the positional short
 * form `@cached 10m 2 sqlite` (ttl, version, storage; any prefix). The names, the short form's
 * order and the values each takes are the tag's declarations in `@cachet/runtime/options`. Every
 * mistake becomes a `CachetCompileError` with the span of the offending token.
 */
import {
  accepted,
  BUILTIN_STORAGES,
  checkOptions,
  checkValue,
  functionOptions,
  type OptionProblem,
  type OptionSpec,
} from '@cachet/runtime/options';
import { CachetCompileError, type Span } from './diagnostics.js';
import type { AnnotationDefaults } from './options.js';
import type { Tag } from './tag.js';

/** A parsed `@cached` tag: its options as written, and where `ignore` and `storage` were written. */
export interface Annotation {
  readonly ttl?: string | number;
  readonly version?: string;
  readonly storage?: string;
  readonly swr?: string;
  readonly id?: string;
  /** Parameter names (or `this`) left out of the key, with where each was written. */
  readonly ignore: readonly { readonly name: string; readonly span: Span }[];
  /** Where `storage=` was written, when it was (for diagnostics about the store it names). */
  readonly storageSpan?: Span;
}

export { BUILTIN_STORAGES };

type OptionName = keyof typeof functionOptions;
const SPECS: Readonly<Record<OptionName, OptionSpec>> = functionOptions;
const OPTIONS = accepted(functionOptions, 'tag') as OptionName[];
/** The short form's options, in their order. */
const POSITIONAL = OPTIONS.filter((name) => SPECS[name].positional !== undefined).sort(
  (a, b) => (SPECS[a].positional as number) - (SPECS[b].positional as number),
);

interface Token {
  readonly text: string;
  readonly span: Span;
  /** Joined to the previous token by a comma without spaces (`ignore=a,b`). */
  readonly commaJoined: boolean;
}

function tokenize(tag: Tag): Token[] {
  const tokens: Token[] = [];
  const pattern = /[^\s,]+/g;
  for (let match = pattern.exec(tag.options); match !== null; match = pattern.exec(tag.options)) {
    const start = tag.optionsStart + match.index;
    const before = tag.options.slice(0, match.index);
    tokens.push({
      text: match[0],
      span: { start, end: start + match[0].length },
      commaJoined: /[^\s,],$/.test(before),
    });
  }
  return tokens;
}

/** Parses the tag's options; returns the annotation and every mistake found. */
export function parseAnnotation(tag: Tag): { annotation: Annotation; errors: CachetCompileError[] } {
  const values = new Map<OptionName, Token>();
  const ignore: { name: string; span: Span }[] = [];
  const errors: CachetCompileError[] = [];
  let positional = 0;
  let last: OptionName | undefined;
  for (const token of tokenize(tag)) {
    const eq = token.text.indexOf('=');
    if (eq === -1) {
      if (last === 'ignore' && token.commaJoined) {
        ignore.push({ name: token.text, span: token.span });
      } else if (last !== undefined || positional >= POSITIONAL.length) {
        errors.push(misplacedPositional(token, last));
      } else {
        set(POSITIONAL[positional++] as OptionName, token);
      }
      continue;
    }
    const name = token.text.slice(0, eq);
    const value = token.text.slice(eq + 1);
    const valueToken: Token = {
      ...token,
      text: value,
      span: { start: token.span.start + eq + 1, end: token.span.end },
    };
    if (!(OPTIONS as string[]).includes(name)) {
      errors.push(unknownOption(name, token.span));
      last = undefined;
      continue;
    }
    last = name as OptionName;
    if (name === 'ignore') {
      for (const part of value === '' ? [] : [valueToken]) ignore.push({ name: part.text, span: part.span });
      if (value === '') errors.push(emptyValue(name, token.span));
      continue;
    }
    set(name as OptionName, valueToken);
  }

  function set(name: OptionName, token: Token): void {
    if (values.has(name)) {
      errors.push(
        new CachetCompileError('CACHET_E_DUPLICATE_OPTION', `option ${name} is given twice`, 'keep one', token.span),
      );
      return;
    }
    const error = check(name, token);
    if (error !== undefined) errors.push(error);
    else values.set(name, token);
  }

  const value = (name: OptionName): string | undefined => values.get(name)?.text;
  const annotation: Annotation = {
    ...optional('ttl', value('ttl')),
    ...optional('version', value('version')),
    ...optional('storage', value('storage')),
    ...optional('swr', value('swr')),
    ...optional('id', value('id')),
    ignore,
    ...(values.has('storage') ? { storageSpan: values.get('storage')?.span } : {}),
  };
  return { annotation, errors };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function check(name: OptionName, token: Token): CachetCompileError | undefined {
  const value = token.text;
  if (value === '') return emptyValue(name, token.span);
  const [problem] = checkValue(SPECS[name], 'tag', value, [name]);
  if (problem === undefined) return undefined;
  const storageHint =
    problem.code === 'CACHET_E_BAD_DURATION' && BUILTIN_STORAGES.includes(value)
      ? ` (for storage, write storage=${value})`
      : '';
  return new CachetCompileError(problem.code, problem.message, `${problem.hint}${storageHint}`, token.span);
}

function emptyValue(name: string, span: Span): CachetCompileError {
  return new CachetCompileError(
    'CACHET_E_BAD_OPTION_VALUE',
    `option ${name} has no value`,
    `write ${name}=<value>`,
    span,
  );
}

function unknownOption(name: string, span: Span): CachetCompileError {
  const [problem] = checkOptions(functionOptions, 'tag', { [name]: '' }) as [OptionProblem];
  return new CachetCompileError('CACHET_E_UNKNOWN_OPTION', problem.message, problem.hint, span);
}

function misplacedPositional(token: Token, last: OptionName | undefined): CachetCompileError {
  return new CachetCompileError(
    'CACHET_E_UNKNOWN_OPTION',
    last === undefined
      ? `too many positional options at "${token.text}"`
      : `positional option "${token.text}" after ${last}=`,
    `positional options are ${POSITIONAL.slice(0, -1).join(', ')} and ${POSITIONAL.at(-1)}, in that order, before any name=value option`,
    token.span,
  );
}

/** The annotation with the build-wide defaults filled in where it says nothing. */
export function withDefaults(annotation: Annotation, defaults: AnnotationDefaults | undefined): Annotation {
  if (defaults === undefined) return annotation;
  return {
    ...optional('ttl', annotation.ttl ?? defaults.ttl),
    ...optional('version', annotation.version ?? defaults.version),
    ...optional('storage', annotation.storage ?? defaults.storage),
    ...annotation,
  };
}
