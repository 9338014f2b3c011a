import type { Equals } from '../memory/memory-tier.js';

/**
 * How a function's arguments become a key. Compiled code passes all four members (or the
 * positional forms of hash and equals), derived from the parameter types; `cached()` passes `text`
 * alone (the reflective encoder, or the user's).
 *
 * With `hash`, `snapshot` and `equals`, a memory hit costs one hash and one equality check and
 * never builds a string; `text` is needed only on a memory miss, for the persistent tiers.
 * Members are called as plain functions (without `this`).
 */
export interface KeyEncoder {
  /** The stable, injective key text of the arguments (and of `self`, for methods keyed by `this`). */
  text(args: ArrayLike<unknown>, self: unknown): string;
  /** A hash of the arguments that equal arguments share (a number or string). */
  hash?(args: ArrayLike<unknown>, self: unknown): unknown;
  /** A private copy of the keyed parts of the arguments, kept by the memory tier. */
  snapshot?(args: ArrayLike<unknown>, self: unknown): unknown;
  /** True when `args` are equal, as keys, to the arguments `snapshot` was made from. */
  equals?(snapshot: unknown, args: ArrayLike<unknown>, self: unknown): boolean;
  /**
   * Verify mode: the reflective key text of exactly the keyed parts (no ignored parameters,
   * `this` when it is keyed). Without it, verify compares against all arguments.
   */
  reflect?(args: ArrayLike<unknown>, self: unknown): string;
  /**
   * `hash` with the arguments positional (`a0`..`a2`), for functions of one to three parameters:
   * a hit then needs no argument array. Must return what `hash` returns for `[a0, a1, a2]`. With
   * it, `hash` (and `equals`, from `equalsAt`) may be left out: the runtime derives them.
   */
  hashAt?: PositionalHash;
  /**
   * `equals` with the arguments positional. Left out when `hashAt` returns the key itself (a lone
   * number or string parameter): equal hashes are then equal keys.
   */
  equalsAt?: PositionalEquals;
}

export type PositionalHash = (self: unknown, a0: unknown, a1: unknown, a2: unknown) => unknown;
export type PositionalEquals = (snapshot: unknown, self: unknown, a0: unknown, a1: unknown, a2: unknown) => boolean;

/**
 * An encoder in the form the hot path uses. `equals` undefined means `hash` is the whole key (equal
 * hashes are equal keys), so the memory tier keeps no snapshot; `hashIsText` says the hash is
 * also the key text (the reflective encoder, or `text` alone).
 */
export interface ResolvedEncoder {
  readonly hash: (args: ArrayLike<unknown>, self: unknown) => unknown;
  readonly equals: Equals | undefined;
  readonly snapshot: (args: ArrayLike<unknown>, self: unknown) => unknown;
  readonly text: (args: ArrayLike<unknown>, self: unknown) => string;
  readonly hashIsText: boolean;
}

const noSnapshot = (): undefined => undefined;

export function resolveEncoder(encoder: KeyEncoder): ResolvedEncoder {
  const { snapshot, hashAt, equalsAt } = encoder;
  // Compiled encoders of one to three plain parameters give only the positional forms: the forms
  // over an argument list pass them its first three entries (a function of fewer parameters
  // ignores the rest). Only calls off the hot path (call1..call3) use these.
  const hash =
    encoder.hash ?? (hashAt && ((args: ArrayLike<unknown>, self: unknown) => hashAt(self, args[0], args[1], args[2])));
  const equals =
    encoder.equals ??
    (equalsAt &&
      ((s: unknown, args: ArrayLike<unknown>, self: unknown) => equalsAt(s, self, args[0], args[1], args[2])));
  if (hash !== undefined && snapshot !== undefined) {
    // A lone number or string parameter (`hashAt` without `equalsAt`) is its own hash: its entries
    // need no snapshot and no equality check.
    if (hashAt !== undefined && equalsAt === undefined)
      return { hash, snapshot: noSnapshot, equals: undefined, text: encoder.text, hashIsText: false };
    if (equals !== undefined) return { hash, snapshot, equals, text: encoder.text, hashIsText: false };
  }
  return { hash: encoder.text, equals: undefined, snapshot: noSnapshot, text: encoder.text, hashIsText: true };
}
