/**
 * The annotation's options: `name=value` separated by spaces or commas, or the positional short
 * form `@cached 10m 2 sqlite` (ttl, version, storage; any prefix). Every mistake becomes a
 * `CachetCompileError` with the span of the offending token.
 */
import { durationProblem, readDuration } from '@cachet/runtime/duration';
import { CachetCompileError, formatMessage, type Span } from './diagnostics.js';
import type { Tag } from './tag.js';

/** A parsed `@cached` tag: its options as written, and where `ignore` and `storage` were written. */
export interface Annotation {
  readonly ttl?: string;
  readonly version?: string;
  readonly storage?: string;
  readonly swr?: string;
  readonly id?: string;
  /** Parameter names (or `this`) left out of the key, with where each was written. */
  readonly ignore: readonly { readonly name: string; readonly span: Span }[];
  /** Where `storage=` was written, when it was (for diagnostics about the store it names). */
  readonly storageSpan?: Span;
}

export const BUILTIN_STORAGES = ['memory', 'sqlite', 'fs', 'tiered'] as const;
const OPTIONS = ['ttl', 'version', 'storage', 'swr', 'ignore', 'id'] as const;
const POSITIONAL = ['ttl', 'version', 'storage'] as const;
const IDENTIFIER = /^[A-Za-z_][\w-]*$/;

type OptionName = (typeof OPTIONS)[number];

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
    if (!(OPTIONS as readonly string[]).includes(name)) {
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

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function check(name: OptionName, token: Token): CachetCompileError | undefined {
  const value = token.text;
  if (value === '') return emptyValue(name, token.span);
  // The runtime's own grammar: every duration a build accepts is valid at run time.
  const problem = name === 'ttl' || name === 'swr' ? durationProblem(value) : undefined;
  if (problem !== undefined) {
    const storageHint = (BUILTIN_STORAGES as readonly string[]).includes(value)
      ? ` (for storage, write storage=${value})`
      : '';
    const what = readDuration(value) === undefined ? 'is not a duration' : 'is not positive';
    return new CachetCompileError(
      'CACHET_E_BAD_DURATION',
      `${name} "${value}" ${what}`,
      `${problem}${storageHint}`,
      token.span,
    );
  }
  if (name === 'storage' && !(BUILTIN_STORAGES as readonly string[]).includes(value) && !IDENTIFIER.test(value)) {
    return new CachetCompileError(
      'CACHET_E_BAD_STORAGE',
      `storage "${value}" is neither a built-in storage nor a store name`,
      'use memory, sqlite, fs, tiered, or the name of a store registered with configure({ stores })',
      token.span,
    );
  }
  return undefined;
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
  const near = OPTIONS.find((option) => distance(option, name.toLowerCase()) <= 2);
  return new CachetCompileError(
    'CACHET_E_UNKNOWN_OPTION',
    `unknown option "${name}"`,
    `${near === undefined ? '' : `did you mean ${near}? `}options are ${OPTIONS.join(', ')}`,
    span,
  );
}

function misplacedPositional(token: Token, last: OptionName | undefined): CachetCompileError {
  return new CachetCompileError(
    'CACHET_E_UNKNOWN_OPTION',
    last === undefined
      ? `too many positional options at "${token.text}"`
      : `positional option "${token.text}" after ${last}=`,
    'positional options are ttl, version and storage, in that order, before any name=value option',
    token.span,
  );
}

/** Edit distance, for "did you mean" hints. */
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

/** Build-wide defaults for what an annotation leaves out (the bundler plugin's `defaults` option). */
export interface AnnotationDefaults {
  /** A duration: `250ms`, `30s`, `10m`, `1h30m`, `7d`, or `forever`. */
  readonly ttl?: string;
  /** `memory`, `sqlite`, `fs`, `tiered`, or a store name registered at run time. */
  readonly storage?: string;
  /** A version token, or `auto` (a hash of each function's own source). */
  readonly version?: string;
}

/**
 * Checks defaults once, when a build starts; throws an `Error` naming the bad value, since there
 * is no source position to report it at.
 */
export function checkDefaults(defaults: AnnotationDefaults): AnnotationDefaults {
  const span = { start: 0, end: 0 };
  for (const name of ['ttl', 'storage', 'version'] as const) {
    const value = defaults[name];
    if (value === undefined) continue;
    const error =
      typeof value !== 'string' || value === ''
        ? emptyValue(name, span)
        : name === 'version'
          ? /[\s,]/.test(value)
            ? new CachetCompileError('CACHET_E_BAD_OPTION_VALUE', `version "${value}" holds a space or comma`, '', span)
            : undefined
          : check(name, { text: value, span, commaJoined: false });
    if (error !== undefined) throw new Error(`Cachet defaults.${name}: ${formatMessage(error)}`);
  }
  return { ...defaults };
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
