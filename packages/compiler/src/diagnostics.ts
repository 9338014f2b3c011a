/**
 * Everything the compiler can report, each with a stable code. Analysis throws or collects
 * `CachetCompileError`s; the adapters convert them in one place (`toTsDiagnostic` for tsc, the
 * bundler plugin's own `this.error`/`this.warn` from `CachetDiagnostic`).
 */
export const codes = {
  CACHET_E_UNKNOWN_OPTION: { number: 990001, category: 'error' },
  CACHET_E_BAD_DURATION: { number: 990002, category: 'error' },
  CACHET_E_BAD_STORAGE: { number: 990003, category: 'error' },
  CACHET_E_BAD_OPTION_VALUE: { number: 990004, category: 'error' },
  CACHET_E_DUPLICATE_OPTION: { number: 990005, category: 'error' },
  CACHET_E_IGNORE_UNKNOWN: { number: 990006, category: 'error' },
  CACHET_E_GENERATOR: { number: 990007, category: 'error' },
  CACHET_E_ACCESSOR: { number: 990008, category: 'error' },
  CACHET_E_NOT_A_FUNCTION: { number: 990009, category: 'error' },
  CACHET_E_NOT_MODULE_LEVEL: { number: 990010, category: 'error' },
  CACHET_E_UNSUPPORTED: { number: 990011, category: 'error' },
  CACHET_E_UNKEYABLE: { number: 990012, category: 'error' },
  CACHET_E_UNPERSISTABLE: { number: 990013, category: 'error' },
  CACHET_E_DUPLICATE_ID: { number: 990014, category: 'error' },
  CACHET_E_HIDDEN_STATE: { number: 990015, category: 'error' },
  CACHET_E_UNKNOWN_STORE: { number: 990016, category: 'error' },
  CACHET_E_COMPILED_INPUT: { number: 990017, category: 'error' },
  CACHET_W_REFLECTIVE: { number: 990101, category: 'warning' },
  CACHET_W_SWR_SYNC: { number: 990102, category: 'warning' },
  CACHET_W_IMPURE: { number: 990103, category: 'warning' },
  CACHET_W_UNDECLARED_STORE: { number: 990104, category: 'warning' },
} as const;

export type DiagnosticCode = keyof typeof codes;

/** A compiler finding, independent of TypeScript's and bundlers' diagnostic types. */
export interface CachetDiagnostic {
  readonly code: DiagnosticCode;
  readonly category: 'error' | 'warning';
  /** The message, without code or hint. */
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
  readonly fileName: string;
  /** Offset into the file and length of the range it is about. */
  readonly start: number;
  readonly length: number;
  /** 1-based line and column of `start`. */
  readonly line: number;
  readonly column: number;
}

/** Where a finding is, as an offset range in the file being compiled. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The error analysis throws; the file visitor turns it into a `CachetDiagnostic`. */
export class CachetCompileError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly hint: string,
    readonly span: Span,
  ) {
    super(message);
    this.name = 'CachetCompileError';
  }
}

/** One line as tsc and bundlers print it: `CACHET_E_X: message Hint: ...`. */
export function formatMessage(diagnostic: Pick<CachetDiagnostic, 'code' | 'message' | 'hint'>): string {
  return `${diagnostic.code}: ${diagnostic.message}${diagnostic.hint === '' ? '' : ` Hint: ${diagnostic.hint}`}`;
}
