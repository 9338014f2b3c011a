/**
 * The kinds of option values: each one's TypeScript type (`Kinds`) and its check, which returns
 * why a value is refused (one line with the fix), or undefined when it is accepted.
 */
import type { CacheEvent, Logger, PolicyDecision, PolicyInfo, StoreSpec } from '../config.js';
import { durationProblem } from '../duration.js';
import type { KeyEncoder } from '../key/encoder.js';
import type { OptionSpec } from './schema.js';

/** A warning level. */
export type Level = 'warn' | 'error' | 'off';

/** The TypeScript type of each kind's values. */
export interface Kinds {
  /** `250ms`, `30s`, `10m`, `1h30m`, `7d`, `forever`, or milliseconds. */
  duration: string | number;
  /** A built-in storage or a registered store's name. */
  storage: string;
  /** A word without spaces or commas. */
  token: string;
  /** Any non-empty text. */
  text: string;
  /** A list of names. */
  names: readonly string[];
  boolean: boolean;
  /** A number above zero. */
  count: number;
  /** A number of bytes, zero or more (`Infinity` allowed). */
  bytes: number;
  /** One of the words in `values`. */
  choice: string;
  /** A level for all, or levels per code with a `default`. */
  level: Level | Readonly<Partial<Record<'default' | `CACHET_W_${string}`, Level>>>;
  /** Regular expressions or globs: one, a list, or null. */
  pattern: string | RegExp | (string | RegExp)[] | null;
  /** A directory, or `false` for none. */
  directory: string | false;
  clock: () => number;
  logger: Logger;
  listener: (event: CacheEvent) => void;
  policy: (info: PolicyInfo) => PolicyDecision;
  key: ((...args: never[]) => string) | KeyEncoder;
  stores: Readonly<Record<string, StoreSpec>>;
  /** Options of its own (`fields`). */
  object: object;
}

/** Words `storage` takes without a registered store. */
export const BUILTIN_STORAGES: readonly string[] = ['memory', 'sqlite', 'fs', 'tiered'];
const STORE_NAME = /^[A-Za-z_][\w-]*$/;

const isFunction = (value: unknown): boolean => typeof value === 'function';
const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const show = (value: unknown): string =>
  typeof value === 'function' ? 'a function' : value instanceof RegExp ? String(value) : JSON.stringify(value);

type Check = (value: unknown, spec: OptionSpec) => string | undefined;

const need = (ok: boolean, what: string, value: unknown): string | undefined =>
  ok ? undefined : `expected ${what}, got ${show(value)}`;

/** Each kind's check. */
export const checks: { readonly [K in keyof Kinds]: Check } = {
  duration: (value) =>
    typeof value === 'number'
      ? value > 0
        ? undefined
        : `a duration must be positive, got ${value}`
      : typeof value === 'string'
        ? durationProblem(value)
        : `expected a duration such as '10m', got ${show(value)}`,
  storage: (value) =>
    typeof value === 'string' && (BUILTIN_STORAGES.includes(value) || STORE_NAME.test(value))
      ? undefined
      : `use ${BUILTIN_STORAGES.join(', ')}, or the name of a store registered with configure({ stores })`,
  token: (value) =>
    typeof value === 'string' && value !== '' && !/[\s,]/.test(value)
      ? undefined
      : `expected a word without spaces or commas, got ${show(value)}`,
  text: (value) => need(typeof value === 'string' && value !== '', 'a non-empty string', value),
  names: (value) =>
    need(
      Array.isArray(value) && value.every((name) => typeof name === 'string' && name !== ''),
      'a list of names',
      value,
    ),
  boolean: (value) => need(typeof value === 'boolean', 'true or false', value),
  count: (value) => need(typeof value === 'number' && value > 0, 'a number above zero', value),
  bytes: (value) => need(typeof value === 'number' && value >= 0, 'a number of bytes, zero or more', value),
  choice: (value, spec) =>
    need(spec.values?.includes(value as string) === true, `one of ${spec.values?.join(', ')}`, value),
  level: (value, spec) => {
    const levels = spec.values ?? [];
    const ok = (level: unknown): boolean => levels.includes(level as string);
    if (ok(value)) return undefined;
    if (!isPlain(value) || !Object.values(value).every(ok))
      return `expected ${levels.join(', ')}, or levels per code such as { default: 'error' }, got ${show(value)}`;
    const codes = spec.keys;
    const unknown = Object.keys(value).filter(
      (key) => key !== 'default' && codes !== undefined && !codes.includes(key),
    );
    if (unknown.length === 0) return undefined;
    return `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a warning code' : 'are not warning codes'}; the codes are ${codes?.join(', ')}`;
  },
  pattern: (value) => {
    const one = (p: unknown): boolean => typeof p === 'string' || p instanceof RegExp;
    return need(value === null || one(value) || (Array.isArray(value) && value.every(one)), 'patterns', value);
  },
  directory: (value) =>
    need((typeof value === 'string' && value !== '') || value === false, 'a directory or false', value),
  clock: (value) => need(isFunction(value), 'a function returning milliseconds', value),
  logger: (value) => need(isPlain(value) && isFunction(value.warn), 'an object with a warn method', value),
  listener: (value) => need(isFunction(value), 'a function', value),
  policy: (value) => need(isFunction(value), 'a function', value),
  key: (value) =>
    need(isFunction(value) || (isPlain(value) && isFunction(value.text)), 'a function or an encoder', value),
  stores: (value) =>
    need(
      isPlain(value) && Object.keys(value).every((name) => STORE_NAME.test(name)),
      'an object of store names (a letter or _, then letters, digits, _ or -: the names storage= takes)',
      value,
    ),
  object: (value) => need(isPlain(value), 'an object', value),
};
