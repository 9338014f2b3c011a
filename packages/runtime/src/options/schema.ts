/**
 * How an option is declared, once, for every front end that accepts it: its kind (what values it
 * takes, and their TypeScript type), the default applied when it is left out, and the front ends
 * that accept it. The doc text is the JSDoc comment on the declaration: editors show it on hover
 * (the option types are mapped from the declarations, which keeps it), and the docs' tables are
 * generated from it (`npm run docs:options`).
 */
import type { FrontEnd } from './front-ends.js';
import type { Kinds } from './kinds.js';

/** One option. */
export interface OptionSpec {
  /** What values it takes (see `kinds`). */
  readonly kind: keyof Kinds;
  /** The front ends that accept it. */
  readonly frontEnds: readonly FrontEnd[];
  /**
   * The value applied when it is left out, as a user would write it. Absent when the default
   * depends on where the code runs; the JSDoc `@default` then says what it is.
   */
  readonly default?: string | number | boolean;
  /** Tag options only: the place in the short form `@cached 10m 2 sqlite`. */
  readonly positional?: number;
  /** For the `choice` and `level` kinds: the words allowed. */
  readonly values?: readonly string[];
  /** For the `level` kind: the codes a table of levels may name, besides `default`. */
  readonly keys?: readonly string[];
  /** For the `object` kind: its own options. */
  readonly fields?: Schema;
  /**
   * The environment variable that gives the option where no code passes options
   * (`node --import @cachet/register`); read with `optionsFromEnvironment`.
   */
  readonly env?: string;
}

/** Options by name. */
export type Schema = Readonly<Record<string, OptionSpec>>;

type ValueOf<S, F extends FrontEnd> = S extends { readonly fields: infer Fields }
  ? OptionsOf<Fields, F>
  : S extends { readonly kind: infer K extends keyof Kinds }
    ? S extends { readonly values: readonly (infer V)[] }
      ? K extends 'choice'
        ? V
        : Kinds[K]
      : Kinds[K]
    : never;

type Accepts<S, F extends FrontEnd> = S extends { readonly frontEnds: readonly (infer E)[] }
  ? F extends E
    ? true
    : false
  : false;

/**
 * The options a front end accepts, as a TypeScript type mapped from the declarations (each
 * property keeps its declaration's JSDoc).
 */
export type OptionsOf<S, F extends FrontEnd> = {
  readonly [K in keyof S as Accepts<S[K], F> extends true ? K : never]?: ValueOf<S[K], F>;
};
