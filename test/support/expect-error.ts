/**
 * Assertions on what a call throws, for every package's tests.
 *
 * `expect(call).toThrow(/text/)` and `.rejects.toThrow(/text/)` pass when the call throws
 * `undefined`, so a regression that throws a cleared or missing error slips through them. These
 * check that the thrown value is an Error, that its message matches, and that its `code` is the
 * one named: an error that carries a code must have it named, so a test cannot pass on a
 * different error whose message happens to match.
 */
import { types } from 'node:util';
import { expect } from 'vitest';

/** What the thrown error must be. */
export interface ErrorSpec {
  /** A pattern the message must match, or the whole message. */
  readonly message: RegExp | string;
  /**
   * The error's `code` (`CACHET_E_...`, `SQLITE_BUSY`, ...). Required when the error has one;
   * leave it out only for errors that carry none.
   */
  readonly code?: string;
  /** A class the error must be an instance of, where which class threw is the point. */
  readonly type?: abstract new (
    ...args: never[]
  ) => Error;
}

/** Asserts that `call` throws an error matching `spec` and returns that error. */
export function expectError(call: () => unknown, spec: ErrorSpec): Error {
  let returned: unknown;
  try {
    returned = call();
  } catch (thrown) {
    return checkError(thrown, spec);
  }
  const hint = isThenable(returned) ? ' (it returned a promise: use expectRejection)' : '';
  return expect.fail(`expected the call to throw an error matching ${wanted(spec)}, but it returned${hint}`);
}

/**
 * Asserts that `pending` (a promise, or a function returning one) rejects with an error matching
 * `spec`, and returns that error. A function that throws before returning a promise counts too;
 * one that returns a value (a store's `MaybePromise` answering synchronously) fails as resolved.
 */
export async function expectRejection(
  pending: PromiseLike<unknown> | (() => unknown),
  spec: ErrorSpec,
): Promise<Error> {
  try {
    await (typeof pending === 'function' ? pending() : pending);
  } catch (thrown) {
    return checkError(thrown, spec);
  }
  return expect.fail(`expected a rejection with an error matching ${wanted(spec)}, but it resolved`);
}

function checkError(thrown: unknown, spec: ErrorSpec): Error {
  if (!(thrown instanceof Error || types.isNativeError(thrown))) {
    return expect.fail(`expected an Error matching ${wanted(spec)}, but ${String(thrown)} was thrown`);
  }
  const error = thrown as Error;
  if (typeof spec.message === 'string') expect(error.message, 'the error message').toBe(spec.message);
  else expect(error.message, 'the error message').toMatch(spec.message);
  const code = (error as { code?: unknown }).code;
  if (spec.code !== undefined) expect(code, `the code of "${error.message}"`).toBe(spec.code);
  else if (code !== undefined) expect.fail(`the error "${error.message}" carries code ${String(code)}: name it`);
  if (spec.type !== undefined) expect(error, 'the error class').toBeInstanceOf(spec.type);
  return error;
}

function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function wanted(spec: ErrorSpec): string {
  const code = spec.code === undefined ? '' : ` with code ${spec.code}`;
  return `${String(spec.message)}${code}`;
}
