/**
 * The option declarations' checks, one kind and one front end at a time (issue 13): the survivors
 * of the scoped mutation runs over `options/*.ts`. A check that lets a bad value through, or
 * refuses a good one, changes what every front end does, so each case states both sides.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { CachetConfigError } from '../src/errors.js';
import {
  accepted,
  assertOptions,
  CachetOptionError,
  callSite,
  checkOptions,
  checks,
  checkValue,
  configureOptions,
  defaultsOptions,
  formatPosition,
  functionOptions,
  near,
  type OptionProblem,
  type OptionSpec,
  type OptionsCall,
  optionsFromEnvironment,
  type Position,
  type Schema,
} from '../src/options.js';
import {
  DEFAULT_BUSY_TIMEOUT,
  DEFAULT_INLINE_LIMIT,
  DEFAULT_MAX_BYTES,
  resolveSqliteStoreOptions,
  type SqliteStoreOptions,
} from '../src/stores/sqlite/options.js';

const spec = (kind: OptionSpec['kind'], extra: Partial<OptionSpec> = {}): OptionSpec => ({
  kind,
  frontEnds: ['configure'],
  ...extra,
});
const check = (kind: OptionSpec['kind'], value: unknown, extra: Partial<OptionSpec> = {}) =>
  checks[kind](value, spec(kind, extra));

describe('each kind refuses what it should and takes the rest', () => {
  it('duration: positive numbers and durations', () => {
    expect(check('duration', 1)).toBeUndefined();
    expect(check('duration', 0.5)).toBeUndefined();
    expect(check('duration', 0)).toBe('a duration must be positive, got 0');
    expect(check('duration', -1)).toBe('a duration must be positive, got -1');
    expect(check('duration', '10m')).toBeUndefined();
    expect(check('duration', 'forever')).toBeUndefined();
    expect(check('duration', '0s')).toMatch(/must be positive/);
    expect(check('duration', 'soon')).toMatch(/^use a number and a unit/);
    expect(check('duration', true)).toBe("expected a duration such as '10m', got true");
    expect(check('duration', null)).toBe("expected a duration such as '10m', got null");
  });

  it('storage: the built-ins and store names, nothing else', () => {
    for (const name of ['memory', 'sqlite', 'fs', 'tiered', 'redis', '_x', 'a-b_2'])
      expect(check('storage', name)).toBeUndefined();
    const hint = 'use memory, sqlite, fs, tiered, or the name of a store registered with configure({ stores })';
    for (const bad of ['', '1x', 'a b', '-a', 'x!', 'ok\n', 3, undefined]) expect(check('storage', bad)).toBe(hint);
  });

  it('token: a word without spaces or commas', () => {
    expect(check('token', 'v2')).toBeUndefined();
    for (const bad of ['', 'a b', 'a,b', 'a\tb', 7])
      expect(check('token', bad)).toBe(`expected a word without spaces or commas, got ${JSON.stringify(bad)}`);
  });

  it('text, names, boolean', () => {
    expect(check('text', 'x')).toBeUndefined();
    expect(check('text', '')).toBe('expected a non-empty string, got ""');
    expect(check('text', 1)).toBe('expected a non-empty string, got 1');
    expect(check('names', [])).toBeUndefined();
    expect(check('names', ['a', 'b'])).toBeUndefined();
    expect(check('names', ['a', ''])).toBe('expected a list of names, got ["a",""]');
    expect(check('names', ['a', 1])).toBe('expected a list of names, got ["a",1]');
    expect(check('names', 'a')).toBe('expected a list of names, got "a"');
    expect(check('boolean', false)).toBeUndefined();
    expect(check('boolean', true)).toBeUndefined();
    expect(check('boolean', 0)).toBe('expected true or false, got 0');
  });

  it('count above zero, bytes zero or more', () => {
    expect(check('count', 1)).toBeUndefined();
    expect(check('count', 0.1)).toBeUndefined();
    expect(check('count', 0)).toBe('expected a number above zero, got 0');
    expect(check('count', '3')).toBe('expected a number above zero, got "3"');
    expect(check('bytes', 0)).toBeUndefined();
    expect(check('bytes', Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(check('bytes', -1)).toBe('expected a number of bytes, zero or more, got -1');
    expect(check('bytes', '0')).toBe('expected a number of bytes, zero or more, got "0"');
  });

  it('choice: one of its words', () => {
    const values = ['a', 'b'];
    expect(check('choice', 'b', { values })).toBeUndefined();
    expect(check('choice', 'c', { values })).toBe('expected one of a, b, got "c"');
    expect(check('choice', 'a')).toBe('expected one of undefined, got "a"');
  });

  it('level: a word, or levels per known code', () => {
    const extra = { values: ['warn', 'error', 'off'], keys: ['CACHET_W_ONE', 'CACHET_W_TWO'] };
    expect(check('level', 'off', extra)).toBeUndefined();
    expect(check('level', { default: 'error', CACHET_W_ONE: 'off' }, extra)).toBeUndefined();
    expect(check('level', {}, extra)).toBeUndefined();
    const shape = "expected warn, error, off, or levels per code such as { default: 'error' }, got";
    expect(check('level', 'loud', extra)).toBe(`${shape} "loud"`);
    expect(check('level', { default: 'loud' }, extra)).toBe(`${shape} {"default":"loud"}`);
    expect(check('level', ['warn'], extra)).toBe(`${shape} ["warn"]`);
    expect(check('level', null, extra)).toBe(`${shape} null`);
    expect(check('level', { CACHET_W_NOPE: 'off' }, extra)).toBe(
      'CACHET_W_NOPE is not a warning code; the codes are CACHET_W_ONE, CACHET_W_TWO',
    );
    expect(check('level', { CACHET_W_A: 'off', CACHET_W_B: 'warn', default: 'off' }, extra)).toBe(
      'CACHET_W_A, CACHET_W_B are not warning codes; the codes are CACHET_W_ONE, CACHET_W_TWO',
    );
    // Without declared codes, any code is taken; without values, no word is.
    expect(check('level', { CACHET_W_ANY: 'off' }, { values: extra.values })).toBeUndefined();
    expect(check('level', 'off')).toBe('expected , or levels per code such as { default: \'error\' }, got "off"');
  });

  it('pattern: null, one, or a list of texts and expressions', () => {
    for (const ok of [null, 'a*', /a/, ['a', /b/], []]) expect(check('pattern', ok)).toBeUndefined();
    expect(check('pattern', ['a', 1])).toBe('expected patterns, got ["a",1]');
    expect(check('pattern', 1)).toBe('expected patterns, got 1');
    expect(check('pattern', undefined)).toBe('expected patterns, got undefined');
  });

  it('directory: a path or false', () => {
    expect(check('directory', 'd')).toBeUndefined();
    expect(check('directory', false)).toBeUndefined();
    expect(check('directory', '')).toBe('expected a directory or false, got ""');
    expect(check('directory', true)).toBe('expected a directory or false, got true');
  });

  it('functions, loggers, keys, stores, objects', () => {
    const fn = () => 0;
    for (const kind of ['clock', 'listener', 'policy'] as const) {
      expect(check(kind, fn)).toBeUndefined();
      expect(check(kind, {})).toMatch(/^expected a function.*, got \{\}$/);
    }
    expect(check('logger', { warn: fn })).toBeUndefined();
    expect(check('logger', { warn: 1 })).toBe('expected an object with a warn method, got {"warn":1}');
    expect(check('logger', fn)).toBe('expected an object with a warn method, got a function');
    expect(check('logger', [fn])).toMatch(/^expected an object with a warn method/);
    expect(check('key', fn)).toBeUndefined();
    expect(check('key', { text: fn })).toBeUndefined();
    expect(check('key', { text: 'x' })).toBe('expected a function or an encoder, got {"text":"x"}');
    expect(check('key', /re/)).toBe('expected a function or an encoder, got /re/');
    expect(check('stores', {})).toBeUndefined();
    expect(check('stores', { _a: {}, 'b-2': {} })).toBeUndefined();
    expect(check('stores', { '2b': {} })).toMatch(/^expected an object of store names \(a letter or _/);
    expect(check('stores', { 'a b': {} })).toMatch(/^expected an object of store names/);
    expect(check('stores', null)).toMatch(/^expected an object of store names/);
    expect(check('stores', [])).toMatch(/^expected an object of store names/);
    expect(check('object', {})).toBeUndefined();
    expect(check('object', null)).toBe('expected an object, got null');
    expect(check('object', [])).toBe('expected an object, got []');
    expect(check('object', 'x')).toBe('expected an object, got "x"');
  });
});

const schema: Schema = {
  ttl: { kind: 'duration', frontEnds: ['tag', 'cached', 'configure'] },
  swr: { kind: 'duration', frontEnds: ['tag', 'cached', 'configure'] },
  wait: { kind: 'duration', frontEnds: ['configure'] },
  storage: { kind: 'storage', frontEnds: ['configure'] },
  count: { kind: 'count', frontEnds: ['configure'] },
  plugin: { kind: 'boolean', frontEnds: ['plugin', 'register'] },
  defaults: {
    kind: 'object',
    frontEnds: ['configure'],
    fields: { ttl: { kind: 'duration', frontEnds: ['configure'] }, only: { kind: 'text', frontEnds: ['tag'] } },
  },
};

describe('checkOptions and checkValue', () => {
  it('takes nothing, or an object; refuses anything else, at the path', () => {
    expect(checkOptions(schema, 'configure', undefined)).toEqual([]);
    expect(checkOptions(schema, 'configure', {})).toEqual([]);
    for (const bad of [null, 3, [], 'x'])
      expect(checkOptions(schema, 'configure', bad, ['p'])).toEqual([
        {
          code: 'CACHET_E_BAD_OPTION_VALUE',
          path: ['p'],
          message: 'option p has a bad value',
          hint: `expected an object of options, got ${JSON.stringify(bad)}`,
        },
      ]);
  });

  it('passes over an option given as undefined, and checks each given value', () => {
    expect(checkOptions(schema, 'configure', { ttl: undefined, count: 2, storage: 'memory' })).toEqual([]);
    const problems = checkOptions(schema, 'configure', { count: 0, storage: 'a b', ttl: '1m' });
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['CACHET_E_BAD_OPTION_VALUE', ['count']],
      ['CACHET_E_BAD_STORAGE', ['storage']],
    ]);
    expect(problems[1]?.message).toBe('storage "a b" is neither a built-in storage nor a store name');
    expect(problems[1]?.hint).toMatch(/^use memory, sqlite/);
  });

  it('names an unknown option, where it belongs, and the nearest name', () => {
    const [typo] = checkOptions(schema, 'configure', { tll: '1m' });
    expect(typo).toEqual({
      code: 'CACHET_E_UNKNOWN_OPTION',
      path: ['tll'],
      message: 'unknown option "tll"',
      hint: 'did you mean ttl? options are ttl, swr, wait, storage, count, defaults',
    });
    const [elsewhere] = checkOptions(schema, 'configure', { plugin: true });
    expect(elsewhere?.hint).toBe(
      'plugin is an option of the bundler plugin, `register(options)`; options are ttl, swr, wait, storage, count, defaults',
    );
    const [far] = checkOptions(schema, 'tsconfig', { zzzzzz: 1 });
    expect(far?.hint).toBe('it takes no options');
    // A name on the prototype is no option.
    const [proto] = checkOptions(schema, 'configure', { toString: 1 });
    expect(proto?.code).toBe('CACHET_E_UNKNOWN_OPTION');
    expect(proto?.hint).not.toMatch(/is an option of/);
  });

  it('checks the fields of an object option, with their path', () => {
    expect(checkOptions(schema, 'configure', { defaults: { ttl: '5m' } })).toEqual([]);
    const problems = checkOptions(schema, 'configure', { defaults: { ttl: 'x', only: 'y' } });
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['CACHET_E_BAD_DURATION', 'defaults.ttl'],
      ['CACHET_E_UNKNOWN_OPTION', 'defaults.only'],
    ]);
    expect(problems[1]?.message).toBe('unknown option "defaults.only"');
    expect(problems[1]?.hint).toBe('only is an option of the `@cached` tag; options are ttl');
    // A bad object is refused once, not walked.
    expect(checkValue(schema.defaults as OptionSpec, 'configure', 5, ['defaults']).map((p) => p.hint)).toEqual([
      'expected an object, got 5',
    ]);
  });

  it('says a duration is not one, or not positive, with the hint for where it was written', () => {
    const one = (frontEnd: 'tag' | 'cached' | 'configure', name: string, value: unknown) =>
      checkValue(schema[name] as OptionSpec, frontEnd, value, [name])[0];
    const notOne = one('configure', 'ttl', 'soon');
    expect(notOne?.code).toBe('CACHET_E_BAD_DURATION');
    expect(notOne?.message).toBe('ttl "soon" is not a duration');
    expect(notOne?.hint).toMatch(/^use a number and a unit/);
    expect(one('configure', 'ttl', true)?.message).toBe('ttl true is not a duration');
    // A list holding a duration is no duration, not a duration that is not positive.
    expect(one('configure', 'ttl', ['10m'])?.message).toBe('ttl 10m is not a duration');
    expect(one('configure', 'ttl', ['10m'])?.hint).toBe('expected a duration such as \'10m\', got ["10m"]');
    expect(one('configure', 'ttl', 0)?.message).toBe('ttl 0 is not positive');
    expect(one('configure', 'ttl', '0s')?.message).toBe('ttl "0s" is not positive');
    expect(one('tag', 'ttl', 0)?.hint).toBe('a duration must be positive: to not cache, remove the annotation');
    expect(one('cached', 'ttl', -5)?.hint).toBe(
      'a duration must be positive: to not cache, call the function itself, not cached(fn)',
    );
    expect(one('configure', 'ttl', 0)?.hint).toBe(
      'a duration must be positive: for entries that never expire, leave ttl out or write forever; to not cache a function, remove its @cached annotation',
    );
    expect(one('tag', 'swr', 0)?.hint).toBe('a duration must be positive: to serve no stale value, leave swr out');
    expect(one('configure', 'wait', 0)?.hint).toBe('a duration must be positive: leave wait out for its default');
    const nested = checkOptions(schema, 'configure', { defaults: { ttl: 0 } })[0];
    expect(nested?.hint).toMatch(/leave defaults\.ttl out or write forever/);
    expect(nested?.message).toBe('defaults.ttl 0 is not positive');
    const storage = checkValue({ kind: 'storage', frontEnds: ['configure'] }, 'configure', '1', ['a', 'b'])[0];
    expect(storage?.message).toBe('a.b "1" is neither a built-in storage nor a store name');
    const count = checkValue({ kind: 'count', frontEnds: ['configure'] }, 'configure', 0, ['a', 'b'])[0];
    expect(count?.message).toBe('option a.b has a bad value');
  });

  it('accepted and near', () => {
    expect(accepted(schema, 'plugin')).toEqual(['plugin']);
    expect(near(['ttl', 'swr'], 'TTL')).toBe('ttl');
    expect(near(['storage'], 'storge')).toBe('storage');
    expect(near(['storage'], 'stoage')).toBe('storage');
    expect(near(['storage'], 'sotrage')).toBe('storage');
    expect(near(['storage'], 'strage_')).toBe('storage');
    expect(near(['storage'], 'stxxage')).toBe('storage');
    expect(near(['storage'], 'sxxxage')).toBeUndefined();
    expect(near(['abc'], 'abcde')).toBe('abc');
    expect(near(['abc'], 'abcdef')).toBeUndefined();
    expect(near(['abcdef'], 'abc')).toBeUndefined();
    expect(near(['abcde'], 'abc')).toBe('abcde');
    expect(near(['xy', 'ab'], 'ab')).toBe('xy');
    expect(near(['xyz', 'ab'], 'ab')).toBe('ab');
  });
});

describe('optionsFromEnvironment', () => {
  const envSchema: Schema = {
    on: { kind: 'boolean', frontEnds: ['register'], env: 'T_ON' },
    dir: { kind: 'directory', frontEnds: ['register'], env: 'T_DIR' },
    defaults: {
      kind: 'object',
      frontEnds: ['register'],
      env: 'T_DEFAULTS',
      fields: { ttl: { kind: 'duration', frontEnds: ['register'] } },
    },
    ttl: { kind: 'duration', frontEnds: ['register'], env: 'T_TTL' },
    other: { kind: 'text', frontEnds: ['configure'], env: 'T_OTHER' },
    plain: { kind: 'text', frontEnds: ['register'] },
  };
  const read = (env: Record<string, string>) => optionsFromEnvironment(envSchema, 'register', env);
  const refused = (env: Record<string, string>): CachetOptionError => {
    try {
      read(env);
    } catch (error) {
      return error as CachetOptionError;
    }
    throw new Error('not refused');
  };

  it('reads each kind from its text, and nothing from an unset or empty variable', () => {
    expect(read({})).toEqual({});
    expect(read({ T_ON: '', T_DIR: '', T_TTL: '' })).toEqual({});
    expect(read({ T_ON: '1' })).toEqual({ on: true });
    expect(read({ T_ON: 'true' })).toEqual({ on: true });
    expect(read({ T_ON: '0' })).toEqual({ on: false });
    expect(read({ T_ON: 'false' })).toEqual({ on: false });
    expect(read({ T_DIR: '0' })).toEqual({ dir: false });
    expect(read({ T_DIR: 'false' })).toEqual({ dir: false });
    expect(read({ T_DIR: 'cache' })).toEqual({ dir: 'cache' });
    expect(read({ T_DEFAULTS: '{"ttl":"5m"}' })).toEqual({ defaults: { ttl: '5m' } });
    expect(read({ T_TTL: '10m' })).toEqual({ ttl: '10m' });
    // Another front end's variable, and an option with no variable, are not read.
    expect(read({ T_OTHER: 'x', plain: 'y' })).toEqual({});
    // An option with no variable reads none, not the variable named "undefined".
    expect(read({ undefined: 'y' })).toEqual({});
    expect(optionsFromEnvironment(envSchema, 'register', (name) => (name === 'T_ON' ? '1' : undefined))).toEqual({
      on: true,
    });
  });

  it('refuses a text it cannot read, or a value the kind refuses, naming every variable', () => {
    const bool = refused({ T_ON: 'yes' });
    expect(bool).toBeInstanceOf(CachetOptionError);
    expect(bool.problems).toEqual([
      {
        code: 'CACHET_E_BAD_OPTION_VALUE',
        path: ['on'],
        message: 'option on has a bad value',
        hint: 'expected 1 or true (on), 0 or false (off), got "yes"',
      },
    ]);
    expect(bool.message).toBe(
      'CACHET_E_BAD_OPTION_VALUE: option on has a bad value in T_ON Hint: expected 1 or true (on), 0 or false (off), got "yes"',
    );
    const json = refused({ T_DEFAULTS: '{ttl' });
    expect(json.problems[0]?.hint).toMatch(/^expected JSON, such as \{"ttl":"10m"\}: /);
    const both = refused({ T_TTL: 'soon', T_ON: 'x', T_DEFAULTS: '{"ttl":0}' });
    expect(both.problems.map((p) => p.path.join('.'))).toEqual(['on', 'defaults.ttl', 'ttl']);
    expect(both.message.split('\n').map((line) => line.split(' in ')[1]?.split(' Hint')[0])).toEqual([
      'T_ON, T_DEFAULTS, T_TTL',
      'T_ON, T_DEFAULTS, T_TTL',
      'T_ON, T_DEFAULTS, T_TTL',
    ]);
    expect(both.code).toBe('CACHET_E_BAD_OPTION_VALUE');
  });
});

/** A declaration as plain data, nested fields included. */
const declared = (schema: Schema): unknown =>
  Object.fromEntries(
    Object.entries(schema).map(([name, s]) => [
      name,
      { ...s, ...(s.fields === undefined ? {} : { fields: declared(s.fields) }) },
    ]),
  );

describe('the declarations', () => {
  // The contract every front end reads (docs/options.md is generated from it): each option's
  // kind, front ends, default, environment variable, words and place in the tag's short form. A
  // changed entry changes what the tag, cached(), configure(), the plugin or register() accept.
  it('of one function', () => {
    expect(declared(functionOptions)).toEqual({
      ttl: { kind: 'duration', frontEnds: ['tag', 'cached'], positional: 0 },
      version: { kind: 'token', frontEnds: ['tag', 'cached'], positional: 1 },
      storage: { kind: 'storage', frontEnds: ['tag', 'cached'], positional: 2 },
      swr: { kind: 'duration', frontEnds: ['tag', 'cached'] },
      ignore: { kind: 'names', frontEnds: ['tag'] },
      id: { kind: 'text', frontEnds: ['tag', 'cached'] },
      key: { kind: 'key', frontEnds: ['cached'] },
      async: { kind: 'boolean', frontEnds: ['cached'] },
      codec: { kind: 'choice', values: ['json', 'v8'], frontEnds: ['cached'] },
      verify: { kind: 'boolean', frontEnds: ['cached'] },
    });
  });

  it('of the defaults', () => {
    expect(declared(defaultsOptions)).toEqual({
      ttl: { kind: 'duration', default: 'forever', frontEnds: ['plugin', 'tsconfig', 'register', 'configure'] },
      storage: { kind: 'storage', frontEnds: ['plugin', 'tsconfig', 'register', 'configure'] },
      version: { kind: 'token', frontEnds: ['plugin', 'tsconfig', 'register'] },
      swr: { kind: 'duration', frontEnds: ['configure'] },
    });
  });

  it('of configure()', () => {
    expect(declared(configureOptions)).toEqual({
      dir: { kind: 'text', frontEnds: ['configure'], env: 'CACHET_DIR' },
      defaults: {
        kind: 'object',
        fields: {
          ttl: { kind: 'duration', default: 'forever', frontEnds: ['plugin', 'tsconfig', 'register', 'configure'] },
          storage: { kind: 'storage', frontEnds: ['plugin', 'tsconfig', 'register', 'configure'] },
          version: { kind: 'token', frontEnds: ['plugin', 'tsconfig', 'register'] },
          swr: { kind: 'duration', frontEnds: ['configure'] },
        },
        frontEnds: ['configure'],
      },
      memory: {
        kind: 'object',
        frontEnds: ['configure'],
        fields: {
          maxEntries: { kind: 'count', default: 100000, frontEnds: ['configure'] },
          maxBytes: { kind: 'count', default: 268435456, frontEnds: ['configure'] },
        },
      },
      stores: { kind: 'stores', frontEnds: ['configure'] },
      now: { kind: 'clock', frontEnds: ['configure'] },
      logger: { kind: 'logger', frontEnds: ['configure'] },
      onEvent: { kind: 'listener', frontEnds: ['configure'] },
      disabled: { kind: 'boolean', frontEnds: ['configure'], env: 'CACHET_DISABLE' },
      verify: { kind: 'boolean', frontEnds: ['configure'], env: 'CACHET_VERIFY' },
      backoff: { kind: 'duration', default: '30s', frontEnds: ['configure'] },
      lease: { kind: 'duration', default: '30s', frontEnds: ['configure'] },
      policy: { kind: 'policy', frontEnds: ['configure'] },
      sqlite: {
        kind: 'object',
        frontEnds: ['configure'],
        fields: {
          maxBytes: { kind: 'count', default: 1073741824, frontEnds: ['configure'] },
          inlineLimit: { kind: 'bytes', default: 65536, frontEnds: ['configure'] },
          busyTimeout: { kind: 'duration', default: '5s', frontEnds: ['configure'] },
          driver: { kind: 'choice', values: ['better-sqlite3', 'node:sqlite', 'auto'], frontEnds: ['configure'] },
        },
      },
    });
    expect(configureOptions.defaults.fields).toBe(defaultsOptions);
  });

  it('refuse at each front end what the declarations refuse', () => {
    expect(checkOptions(functionOptions, 'tag', { ttl: '10m', version: 'v2', ignore: ['a'] })).toEqual([]);
    expect(checkOptions(functionOptions, 'tag', { key: () => '' }).map((p) => p.hint)).toEqual([
      'key is an option of `cached(fn, options)`; options are ttl, version, storage, swr, ignore, id',
    ]);
    expect(checkOptions(configureOptions, 'configure', { defaults: { version: 'v' } }).map((p) => p.code)).toEqual([
      'CACHET_E_UNKNOWN_OPTION',
    ]);
    expect(checkOptions(configureOptions, 'configure', { sqlite: { inlineLimit: 0, driver: 'auto' } })).toEqual([]);
    expect(checkOptions(configureOptions, 'configure', { sqlite: { driver: 'sqlite3' } })[0]?.hint).toBe(
      'expected one of better-sqlite3, node:sqlite, auto, got "sqlite3"',
    );
  });
});

describe('options refused at a called front end', () => {
  const problem = (code: OptionProblem['code'], name: string) => ({
    code,
    path: [name],
    message: `m ${name}`,
    hint: `h ${name}`,
  });

  it('one error, a line per problem, the first problem’s code, where it was written', () => {
    const at = { file: 'src/a.ts', line: 3, column: 7 };
    const error = new CachetOptionError(
      [problem('CACHET_E_BAD_DURATION', 'ttl'), problem('CACHET_E_UNKNOWN_OPTION', 'x')],
      at,
      'configure()',
    );
    expect(error).toBeInstanceOf(CachetConfigError);
    expect(error.name).toBe('CachetOptionError');
    expect(error.code).toBe('CACHET_E_BAD_DURATION');
    expect(error.position).toBe(at);
    expect(error.message).toBe(
      'src/a.ts:3:7: CACHET_E_BAD_DURATION: m ttl in configure() Hint: h ttl\nsrc/a.ts:3:7: CACHET_E_UNKNOWN_OPTION: m x in configure() Hint: h x',
    );
    expect(new CachetOptionError([problem('CACHET_E_BAD_STORAGE', 's')], undefined, 'cached()').message).toBe(
      'CACHET_E_BAD_STORAGE: m s in cached() Hint: h s',
    );
    expect(formatPosition(at)).toBe('src/a.ts:3:7');
  });

  const call = (extra: Partial<OptionsCall> = {}) => {
    const schema: Schema = { ttl: { kind: 'duration', frontEnds: ['configure'] } };
    function front(input: unknown): void {
      assertOptions({ schema, frontEnd: 'configure', what: 'front()', boundary: front, ...extra }, input);
    }
    return front;
  };
  const caught = (work: () => void): CachetOptionError => {
    try {
      work();
    } catch (error) {
      return error as CachetOptionError;
    }
    throw new Error('not thrown');
  };
  const thisFile = fileURLToPath(import.meta.url);

  it('throws at the caller of the boundary, only for options the declarations refuse', () => {
    const front = call();
    front({ ttl: '1m' });
    front(undefined);
    const error = caught(() => front({ ttl: 'x' }));
    expect(error.code).toBe('CACHET_E_BAD_DURATION');
    expect(error.position?.file).toBe(thisFile);
    expect(error.position?.line).toBeGreaterThan(0);
    expect(error.position?.column).toBeGreaterThan(0);
    expect(error.message.startsWith(`${thisFile}:${error.position?.line}:${error.position?.column}: `)).toBe(true);
    expect(error.problems).toHaveLength(1);
  });

  it('maps the position to the source the user wrote, and passes over the files skip names', () => {
    const mapped = caught(() =>
      call({ original: (p) => ({ file: 'user.ts', line: p.line + 100, column: 1 }) })({ ttl: 'x' }),
    );
    expect(mapped.position?.file).toBe('user.ts');
    expect(mapped.position?.line).toBeGreaterThan(100);
    const skipped = caught(() => call({ skip: (file) => file === thisFile })({ ttl: 'x' }));
    expect(skipped.position?.file).not.toBe(thisFile);
    expect(skipped.position?.file).not.toMatch(/^node:/);
  });

  it('reads the caller’s frame, with a file: address decoded, and keeps the stack limit', () => {
    const limit = Error.stackTraceLimit;
    function boundary(): Position | undefined {
      return callSite(boundary);
    }
    const here = boundary();
    expect(here?.file).toBe(thisFile);
    expect(Error.stackTraceLimit).toBe(limit);
    // Deeper than the default limit of ten frames, the caller is still found below the boundary.
    const deep = (n: number): Position | undefined => (n === 0 ? callSite(deep) : deep(n - 1));
    Error.stackTraceLimit = 1;
    try {
      expect(deep(3)?.file).toBe(thisFile);
    } finally {
      Error.stackTraceLimit = limit;
    }
    // Options written in code that `new Function` made: reported where it was made, in this file.
    function front(): Position | undefined {
      return callSite(front);
    }
    const before = new Error().stack?.split('\n')[1] ?? '';
    const user = new Function('front', 'return function user() {\n  return front();\n}')(front) as typeof front;
    const madeAt = Number(/:(\d+):\d+\)?$/.exec(before)?.[1]) + 1;
    expect(madeAt).toBeGreaterThan(1);
    expect(user()).toEqual({ file: thisFile, line: madeAt, column: expect.any(Number) });
    // Nothing below the boundary but files skipped: no position.
    function none(): Position | undefined {
      return callSite(none, () => true);
    }
    expect(none()).toBeUndefined();
    // A stack of file: addresses and node: frames, as an ES module's.
    const capture = Error.captureStackTrace;
    Error.captureStackTrace = (holder: { stack?: string }) => {
      holder.stack = [
        'Error',
        '    at x (node:internal/modules/run:1:1)',
        '    at not a frame',
        '    at y (file:///app/a%20b/c.js:12:34)',
        '    at z (file:///app/other.js:1:2)',
      ].join('\n');
    };
    try {
      expect(callSite(boundary)).toEqual({ file: '/app/a b/c.js', line: 12, column: 34 });
      expect(callSite(boundary, (file) => file.endsWith('c.js'))).toEqual({
        file: '/app/other.js',
        line: 1,
        column: 2,
      });
      // Code run by eval or new Function: the place it was made, not `<anonymous>`, also when nested.
      Error.captureStackTrace = (holder: { stack?: string }) => {
        holder.stack = [
          'Error',
          '    at eval (eval at f (file:///app/made.js:7:8), <anonymous>:3:4)',
          '    at eval (eval at g (eval at f (/app/outer.js:1:2), <anonymous>:1:1), <anonymous>:2:2)',
        ].join('\n');
      };
      expect(callSite(boundary)).toEqual({ file: '/app/made.js', line: 7, column: 8 });
      expect(callSite(boundary, (file) => file === '/app/made.js')).toEqual({
        file: '/app/outer.js',
        line: 1,
        column: 2,
      });
      // Trailing spaces after a frame are no part of it.
      Error.captureStackTrace = (holder: { stack?: string }) => {
        holder.stack = 'Error\n    at y (file:///app/c.js:5:6)  ';
      };
      expect(callSite(boundary)).toEqual({ file: '/app/c.js', line: 5, column: 6 });
      // An engine without captureStackTrace: no position, no error, and nothing mapped.
      Object.assign(Error, { captureStackTrace: undefined });
      expect(callSite(boundary)).toBeUndefined();
      const original = vi.fn((p: Position) => p);
      const error = caught(() => call({ original })({ ttl: 'x' }));
      expect(error.position).toBeUndefined();
      expect(original).not.toHaveBeenCalled();
      expect(error.message).toMatch(/^CACHET_E_BAD_DURATION: /);
    } finally {
      Error.captureStackTrace = capture;
    }
  });
});

describe('resolveSqliteStoreOptions', () => {
  it('fills the defaults', () => {
    const resolved = resolveSqliteStoreOptions({ dir: 'd' });
    expect({ ...resolved, now: undefined, warn: undefined, open: undefined }).toEqual({
      name: 'sqlite',
      file: join('d', 'cache.db'),
      blobDir: join('d', 'blobs'),
      inlineLimit: 65_536,
      maxBytes: 1_073_741_824,
      busyTimeout: 5000,
      now: undefined,
      warn: undefined,
      gcInterval: 3_600_000,
      blobGrace: 3_600_000,
      open: undefined,
    });
    expect([DEFAULT_INLINE_LIMIT, DEFAULT_MAX_BYTES, DEFAULT_BUSY_TIMEOUT]).toEqual([65_536, 1_073_741_824, 5000]);
    expect(resolved.now).toBe(Date.now);
    expect(typeof resolved.open).toBe('function');
    const memory = resolveSqliteStoreOptions({ dir: ':memory:' });
    expect([memory.file, memory.blobDir]).toEqual([':memory:', undefined]);
  });

  it('warns on the console with the prefix, the cause when there is one', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const cause = new Error('c');
      resolveSqliteStoreOptions({ dir: 'd' }).warn('moved', cause);
      expect(warn).toHaveBeenCalledWith('[cachet] moved', cause);
    } finally {
      warn.mockRestore();
    }
  });

  it('takes what is given, whole milliseconds for the busy wait, and refuses what is below each floor', () => {
    const now = () => 1;
    const warn = () => {};
    const open = (() => {
      throw new Error('not opened');
    }) as never;
    const given = resolveSqliteStoreOptions({
      dir: 'd',
      name: 'n',
      inlineLimit: 0,
      maxBytes: 1,
      busyTimeout: 1.2,
      now,
      warn,
      gcInterval: 1,
      blobGrace: 0,
      open,
    });
    expect(given).toEqual({
      name: 'n',
      file: join('d', 'cache.db'),
      blobDir: join('d', 'blobs'),
      inlineLimit: 0,
      maxBytes: 1,
      busyTimeout: 2,
      now,
      warn,
      gcInterval: 1,
      blobGrace: 0,
      open,
    });
    expect(resolveSqliteStoreOptions({ dir: 'd', busyTimeout: 0 }).busyTimeout).toBe(0);
    const refused = (options: Partial<SqliteStoreOptions>) => () => resolveSqliteStoreOptions({ dir: 'd', ...options });
    expect(refused({ inlineLimit: -1 })).toThrow(
      new CachetConfigError('sqlite inlineLimit must be a number >= 0, got -1'),
    );
    expect(refused({ maxBytes: 0 })).toThrow('sqlite maxBytes must be a number >= 1, got 0');
    expect(refused({ busyTimeout: -0.5 })).toThrow('sqlite busyTimeout must be a number >= 0, got -0.5');
    expect(refused({ gcInterval: 0.5 })).toThrow('sqlite gcInterval must be a number >= 1, got 0.5');
    expect(refused({ blobGrace: Number.NaN })).toThrow('sqlite blobGrace must be a number >= 0, got NaN');
    expect(refused({ maxBytes: Number.NaN })).toThrow(CachetConfigError);
  });

  it('opens with the binding chosen', () => {
    const store = resolveSqliteStoreOptions({ dir: ':memory:', driver: 'no-such' as never });
    expect(() => store.open(':memory:', { busyTimeout: 1 } as never)).toThrow();
  });
});
