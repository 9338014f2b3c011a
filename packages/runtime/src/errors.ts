/**
 * Errors thrown by the runtime. Each class carries a stable `code`; check `code`, never the
 * class name, since bundlers may rename classes.
 */
export class CachetError extends Error {
  static readonly code: string = 'CACHET_E_RUNTIME';
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CachetError';
    this.code = options?.code ?? (new.target as typeof CachetError).code;
  }
}

/** An argument cannot be part of a cache key (a function, a symbol, a WeakMap, ...). */
export class CachetKeyError extends CachetError {
  static override readonly code: string = 'CACHET_E_UNKEYABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CachetKeyError';
  }
}

/** Invalid options given to `cached()`, `configure()` or a store. */
export class CachetConfigError extends CachetError {
  static override readonly code: string = 'CACHET_E_CONFIG';
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.name = 'CachetConfigError';
  }
}

/** A tier failed (I/O, corrupt data, a dead server). Reported, never thrown at the user's call. */
export class CachetStoreError extends CachetError {
  static override readonly code: string = 'CACHET_E_STORE';
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.name = 'CachetStoreError';
  }
}

/** A value could not be encoded or decoded by its codec. */
export class CachetCodecError extends CachetError {
  static override readonly code: string = 'CACHET_E_CODEC';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CachetCodecError';
  }
}

/** True when `error` is a Cachet error with the given code. */
export function isCachetError(error: unknown, code?: string): error is CachetError {
  return error instanceof CachetError && (code === undefined || error.code === code);
}
