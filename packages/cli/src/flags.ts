/**
 * Command-line options, each declared once: its type, value placeholder, default and help text.
 * Parsing (`parse.ts`), `--help` (`help.ts`) and the options tables of docs/cli.md
 * (`reference.ts`, `npm run docs:cli`) are all derived from these declarations.
 */
import { parseDuration } from '@cachet/runtime';
import { cacheDir } from './cache.js';
import { usageError } from './errors.js';
import type { Io } from './io.js';

/** One option: `--name`, or `--name <value>`. */
export interface Flag<T> {
  /** `string` options take a value; `boolean` ones are switches. */
  readonly type: 'string' | 'boolean';
  /** A one-letter alias: `p` for `-p`. */
  readonly short?: string;
  /** How help and docs show the value: `<duration>`. Only for `string` options. */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
  /** The default as help and docs show it (the value `parse` gives when the option is absent). */
  readonly defaultText?: string;
  /** The value a command gets from what was given (undefined when absent); a bad one is a usage error. */
  parse(given: string | boolean | undefined, name: string, io: Io): T;
}

/** A command's options by name (the name without `--`). */
export type Flags = Readonly<Record<string, Flag<unknown>>>;

/** What a command's `run` receives for its options. */
export type FlagValues<F extends Flags> = { readonly [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

/** `--name`, or `-s, --name <value>` (without the short alias in usage lines): how help and docs name an option. */
export function flagLabel(name: string, flag: Flag<unknown>, short = true): string {
  const long = `--${name}${flag.value === undefined ? '' : ` ${flag.value}`}`;
  return flag.short === undefined || !short ? long : `-${flag.short}, ${long}`;
}

/** A switch: true when given. */
export function toggle(help: string, short?: string): Flag<boolean> {
  return { type: 'boolean', help, ...(short === undefined ? {} : { short }), parse: (given) => given === true };
}

/** Free text, or undefined when absent. */
export function text(value: string, help: string): Flag<string | undefined> {
  return { type: 'string', value, help, parse: (given) => (typeof given === 'string' ? given : undefined) };
}

/** A duration in the annotation's grammar (`30d`, `1h`), in ms; undefined when absent. */
export function duration(help: string): Flag<number | undefined> {
  return {
    type: 'string',
    value: '<duration>',
    help,
    parse(given, name) {
      if (typeof given !== 'string') return undefined;
      let ms: number;
      try {
        ms = parseDuration(given, `--${name}`);
      } catch (error) {
        throw usageError((error as Error).message);
      }
      if (!Number.isFinite(ms)) throw usageError(`--${name} must be a finite duration, like 30d`);
      return ms;
    },
  };
}

/** An integer within `min..max`, or `fallback` when absent. */
export function integer(spec: {
  readonly help: string;
  readonly fallback: number;
  readonly min: number;
  readonly max?: number;
  readonly short?: string;
  /** What the range means, for the error: `a positive integer`. */
  readonly expected: string;
}): Flag<number> {
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  return {
    type: 'string',
    value: '<n>',
    help: spec.help,
    defaultText: String(spec.fallback),
    ...(spec.short === undefined ? {} : { short: spec.short }),
    parse(given, name) {
      if (typeof given !== 'string') return spec.fallback;
      const n = Number(given);
      if (given.trim() === '' || !Number.isInteger(n) || n < spec.min || n > max)
        throw usageError(`--${name} must be ${spec.expected}, got "${given}"`);
      return n;
    },
  };
}

/** The options every command takes. */
export const commonFlags: {
  readonly dir: Flag<string>;
  readonly json: Flag<boolean>;
  readonly help: Flag<boolean>;
} = {
  dir: {
    type: 'string',
    value: '<path>',
    help: 'the cache directory',
    defaultText: '$CACHET_DIR, else ./.cachet',
    parse: (given, _name, io) => cacheDir(io, typeof given === 'string' ? given : undefined),
  },
  json: toggle('print the data as JSON, and nothing else on stdout'),
  help: toggle('show this help', 'h'),
};
