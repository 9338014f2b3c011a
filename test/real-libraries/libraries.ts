/**
 * The libraries whose own test suites run against cached wrappers. Each is fetched from the npm
 * registry at a pinned version (the tarball ships its tests), so no other project's code lives in
 * this repository; only the wrappers below and the list of skipped tests do.
 *
 * A wrapper is one exported function per pure function of the library, tagged
 * `@cached storage=memory`, its parameters typed as the library's type declarations type them,
 * its body the library call. `modules` builds the objects the tests get in place of the library's
 * modules: the library's own exports with the pure functions swapped for the wrappers.
 */

export interface WrappedFunction {
  readonly name: string;
  /** The parameter list, typed from the library's declarations. */
  readonly params: string;
  readonly returns: string;
  /** The body's expression, calling the library. */
  readonly body: string;
  /** More annotation options after `storage=memory` (only the harness's own check uses them). */
  readonly options?: string;
}

export type Suite =
  /** tape test files, relative to the package; each run gets a fresh harness. */
  | { readonly kind: 'tape'; readonly files: readonly string[] }
  /**
   * A plain script of `assert` calls, relative to the package. Each `assert.equal` counts as one
   * test and a failure is recorded instead of thrown, so one wrong value does not hide the rest.
   */
  | { readonly kind: 'assert-script'; readonly file: string; readonly argv: readonly string[] };

export interface Library {
  readonly name: string;
  readonly version: string;
  /** The tarball's registry integrity: a fetch that does not match fails. */
  readonly integrity: string;
  /** Why it is here: how widely it is used and what its arguments exercise. */
  readonly why: string;
  /** Imports and types at the top of the wrapper module. */
  readonly header: string;
  /** The tarball ships its own declarations (else they come from an @types dev dependency). */
  readonly ownTypes?: boolean;
  /** Ambient declarations for library modules that ship none (written next to the wrappers). */
  readonly declarations?: string;
  readonly functions: readonly WrappedFunction[];
  /**
   * Source that exports `modules`: package-relative file -> the object any test's `require` of
   * that file gets instead.
   */
  readonly modules: string;
  readonly suite: Suite;
  /**
   * Every argument the suite passes is data rebuilt equal in each run (no function created anew,
   * no `new Date()`), so the second cached run must answer every call from the cache.
   */
  readonly argumentsAreData?: boolean;
  /** Environment of the process running the suite (the suite may depend on it, e.g. TZ). */
  readonly env: Readonly<Record<string, string>>;
}

const qs: Library = {
  name: 'qs',
  version: '6.14.0',
  integrity: 'sha512-YWWTjgABSKcvs/nWBi9PycY/JiPJqOD4JA6o9Sej2AtvSGarXxKC3OQSk4pAarbdQlKAh5D4FCQkJNkW+GAn3w==',
  why:
    'the query-string parser under Express and most HTTP stacks; options carry functions ' +
    '(decoder, encoder, filter, sort, serializeDate), values are nested objects, arrays, Dates, Buffers',
  header: ["import * as qs from 'qs';", "import * as utils from 'qs/lib/utils';"].join('\n'),
  declarations: [
    '/** qs/lib/utils ships no declarations: its pure helpers, typed as its code uses them. */',
    "declare module 'qs/lib/utils' {",
    '  export function encode(str: unknown, defaultEncoder?: unknown, charset?: string, kind?: unknown, format?: string): string;',
    '  export function decode(str: string, defaultDecoder?: unknown, charset?: string): string;',
    '  export function combine(a: unknown, b: unknown): unknown[];',
    '  export function isRegExp(obj: unknown): boolean;',
    '  export function isBuffer(obj: unknown): boolean;',
    '  export function arrayToObject(source: readonly unknown[], options?: { plainObjects?: boolean }): object;',
    '}',
    '',
  ].join('\n'),
  functions: [
    {
      name: 'parse',
      params: 'str: string | Record<string, string>, options?: qs.IParseOptions',
      returns: '{ [key: string]: unknown }',
      body: 'qs.parse(str, options)',
    },
    {
      name: 'stringify',
      params: 'obj: any, options?: qs.IStringifyOptions',
      returns: 'string',
      body: 'qs.stringify(obj, options)',
    },
    {
      name: 'encode',
      params: 'str: unknown, defaultEncoder?: unknown, charset?: string, kind?: unknown, format?: string',
      returns: 'string',
      body: 'utils.encode(str, defaultEncoder, charset, kind, format)',
    },
    {
      name: 'decode',
      params: 'str: string, defaultDecoder?: unknown, charset?: string',
      returns: 'string',
      body: 'utils.decode(str, defaultDecoder, charset)',
    },
    { name: 'combine', params: 'a: unknown, b: unknown', returns: 'unknown[]', body: 'utils.combine(a, b)' },
    { name: 'isRegExp', params: 'obj: unknown', returns: 'boolean', body: 'utils.isRegExp(obj)' },
    { name: 'isBuffer', params: 'obj: unknown', returns: 'boolean', body: 'utils.isBuffer(obj)' },
    {
      name: 'arrayToObject',
      params: 'source: readonly unknown[], options?: { plainObjects?: boolean }',
      returns: 'object',
      body: 'utils.arrayToObject(source, options)',
    },
  ],
  modules: [
    'export const modules: Record<string, unknown> = {',
    "  'lib/index.js': { ...qs, parse, stringify },",
    "  'lib/utils.js': { ...utils, encode, decode, combine, isRegExp, isBuffer, arrayToObject },",
    '};',
  ].join('\n'),
  suite: { kind: 'tape', files: ['test/parse.js', 'test/stringify.js', 'test/utils.js'] },
  env: {},
};

export const strftime: Library = {
  name: 'strftime',
  version: '0.10.3',
  integrity: 'sha512-DZrDUeIF73eKJ4/GgGuv8UHWcUQPYDYfDeQFj3jrx+JZl6GQE656MbHIpvbo4mEG9a5DgS8GRCc5DxJXD2udDQ==',
  why:
    'strftime-style date formatting; arguments are Dates, locale objects and time-zone offsets, ' +
    'and its functions come configured (localize, timezone, utc), which the wrappers key as data',
  header: [
    "import strftimeLib from 'strftime';",
    '',
    '/** One configuration call of the library, in the order the caller made them. */',
    'export type Step =',
    '  | { readonly localize: strftimeLib.Locale }',
    '  | { readonly timezone: number | string }',
    '  | { readonly utc: true }',
    '  | { readonly localizeByIdentifier: string };',
    '',
    'type Format = (format: string, date?: Date) => string;',
    'interface Configurable extends Format {',
    '  localize(locale: strftimeLib.Locale): Configurable;',
    '  localizeByIdentifier(id: string): Configurable;',
    '  timezone(offset: number | string): Configurable;',
    '  utc(): Configurable;',
    '}',
    '',
    '/** The library function the steps configure, as the caller would have built it. */',
    'function configured(steps: readonly Step[]): Configurable {',
    '  let f = strftimeLib as unknown as Configurable;',
    '  for (const step of steps) {',
    "    if ('localize' in step) f = f.localize(step.localize);",
    "    else if ('timezone' in step) f = f.timezone(step.timezone);",
    "    else if ('utc' in step) f = f.utc();",
    '    else f = f.localizeByIdentifier(step.localizeByIdentifier);',
    '  }',
    '  return f;',
    '}',
  ].join('\n'),
  functions: [
    {
      name: 'strftime',
      params: 'format: string, date?: Date',
      returns: 'string',
      // The declarations overload the call: with a date, or without one (now).
      body: 'date === undefined ? strftimeLib(format) : strftimeLib(format, date)',
    },
    {
      name: 'formatWith',
      params: 'steps: readonly Step[], format: string, date?: Date',
      returns: 'string',
      body: 'configured(steps)(format, date)',
    },
  ],
  modules: [
    "/** The library's API, each configured function answering through `formatWith`. */",
    'function api(steps: readonly Step[]): Configurable {',
    '  const f = ((format: string, date?: Date) =>',
    '    steps.length === 0 ? strftime(format, date) : formatWith(steps, format, date)) as Configurable;',
    '  f.localize = (locale) => api([...steps, { localize: locale }]);',
    '  f.localizeByIdentifier = (id) => api([...steps, { localizeByIdentifier: id }]);',
    '  f.timezone = (offset) => api([...steps, { timezone: offset }]);',
    '  f.utc = () => api([...steps, { utc: true }]);',
    '  return f;',
    '}',
    "export const modules: Record<string, unknown> = { 'strftime.js': api([]) };",
  ].join('\n'),
  // The script takes the library's file as its first argument.
  suite: { kind: 'assert-script', file: 'test.js', argv: ['strftime.js'] },
  // The suite has expectations for two zones only; any machine zone would otherwise fail it.
  env: { TZ: 'Europe/Amsterdam' },
  argumentsAreData: true,
};

const jsonStableStringify: Library = {
  name: 'json-stable-stringify',
  version: '1.3.0',
  integrity: 'sha512-qtYiSSFlwot9XHtF9bD9c7rwKjr+RecWT//ZnPvSmEjpV5mmPOCN4j8UjY5hbjNkOwZ/jQv3J6R1/pL7RwgMsg==',
  why:
    'deterministic JSON for hashing and caching; its value is `unknown` (nested, cyclic with ' +
    '`cycles`), and its options are a comparator function or an object holding functions',
  ownTypes: true,
  header: "import stableStringify from 'json-stable-stringify';",
  functions: [
    {
      name: 'stringify',
      params:
        'obj: unknown, options?: (stableStringify.Comparator & stableStringify.StableStringifyOptions) | ' +
        'stableStringify.StableStringifyOptions',
      returns: 'string | undefined',
      body: 'stableStringify(obj, options)',
    },
  ],
  modules: "export const modules: Record<string, unknown> = { 'index.js': stringify };",
  suite: {
    kind: 'tape',
    files: ['test/cmp.js', 'test/nested.js', 'test/replacer.js', 'test/space.js', 'test/str.js', 'test/to-json.js'],
  },
  env: {},
};

export const libraries: readonly Library[] = [qs, strftime, jsonStableStringify];
