import { describe, expect, it } from 'vitest';
import { expectError, expectRejection } from './expect-error.js';

class CodedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const throwing = (value: unknown) => (): never => {
  throw value;
};

/** The message of the assertion failure `check` raises; fails the test when it raises none. */
function failure(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    if (error instanceof Error) return error.message;
    throw new Error(`the assertion threw a non-Error: ${String(error)}`);
  }
  throw new Error('the assertion passed');
}

async function asyncFailure(check: () => Promise<unknown>): Promise<string> {
  try {
    await check();
  } catch (error) {
    if (error instanceof Error) return error.message;
    throw new Error(`the assertion threw a non-Error: ${String(error)}`);
  }
  throw new Error('the assertion passed');
}

describe('expectError', () => {
  it('returns the error when message and code match', () => {
    const thrown = new CodedError('the store is closed', 'CACHET_E_STORE');
    expect(expectError(throwing(thrown), { message: /closed/, code: 'CACHET_E_STORE' })).toBe(thrown);
    expect(expectError(throwing(new Error('exactly this')), { message: 'exactly this' }).message).toBe('exactly this');
  });

  it('fails on undefined and on other values that are not errors, which toThrow(/text/) lets through', () => {
    expect(failure(() => expectError(throwing(undefined), { message: /closed/ }))).toMatch(/but undefined was thrown/);
    expect(failure(() => expectError(throwing('closed'), { message: /closed/ }))).toMatch(/but closed was thrown/);
    expect(failure(() => expectError(throwing({ message: 'closed' }), { message: /closed/ }))).toMatch(/was thrown/);
  });

  it('fails when the call returns, and says so when it returned a promise', () => {
    expect(failure(() => expectError(() => 1, { message: /x/ }))).toMatch(/but it returned$/);
    expect(failure(() => expectError(() => Promise.resolve(), { message: /x/ }))).toMatch(/use expectRejection/);
  });

  it('fails on a message that does not match, and a string is the whole message', () => {
    expect(failure(() => expectError(throwing(new Error('open')), { message: /closed/ }))).toMatch(/the error message/);
    expect(failure(() => expectError(throwing(new Error('closed now')), { message: 'closed' }))).toMatch(
      /the error message/,
    );
  });

  it('fails on a wrong code, and on a code the spec leaves unnamed', () => {
    const thrown = new CodedError('closed', 'CACHET_E_STORE');
    expect(failure(() => expectError(throwing(thrown), { message: /closed/, code: 'CACHET_E_CONFIG' }))).toMatch(
      /the code of "closed"/,
    );
    expect(failure(() => expectError(throwing(thrown), { message: /closed/ }))).toMatch(/carries code CACHET_E_STORE/);
    expect(failure(() => expectError(throwing(new Error('closed')), { message: /closed/, code: 'X' }))).toMatch(
      /the code of/,
    );
  });

  it('fails when the error is not of the class asked for', () => {
    expect(
      failure(() => expectError(throwing(new TypeError('closed')), { message: /closed/, type: RangeError })),
    ).toMatch(/the error class/);
    expect(expectError(throwing(new RangeError('closed')), { message: /closed/, type: RangeError })).toBeInstanceOf(
      RangeError,
    );
  });
});

describe('expectRejection', () => {
  it('returns the error a promise or a function rejects with, or a function throws', async () => {
    const thrown = new CodedError('gone', 'CACHET_E_STORE');
    expect(await expectRejection(Promise.reject(thrown), { message: /gone/, code: 'CACHET_E_STORE' })).toBe(thrown);
    expect(await expectRejection(async () => Promise.reject(thrown), { message: 'gone', code: 'CACHET_E_STORE' })).toBe(
      thrown,
    );
    expect(await expectRejection(throwing(thrown), { message: /gone/, code: 'CACHET_E_STORE' })).toBe(thrown);
  });

  it('fails on a rejection with undefined, on a resolve, and on a wrong message or code', async () => {
    expect(await asyncFailure(() => expectRejection(Promise.reject(undefined), { message: /gone/ }))).toMatch(
      /but undefined was thrown/,
    );
    expect(await asyncFailure(() => expectRejection(Promise.resolve(1), { message: /gone/ }))).toMatch(/it resolved/);
    expect(await asyncFailure(() => expectRejection(Promise.reject(new Error('here')), { message: /gone/ }))).toMatch(
      /the error message/,
    );
    const coded = new CodedError('gone', 'CACHET_E_STORE');
    expect(await asyncFailure(() => expectRejection(Promise.reject(coded), { message: /gone/ }))).toMatch(
      /carries code CACHET_E_STORE/,
    );
  });
});
