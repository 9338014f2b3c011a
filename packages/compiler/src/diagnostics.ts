/**
 * Everything the compiler can report, each with a stable code. Analysis throws or collects
 * `CachetCompileError`s; the adapters convert them in one place (`toTsDiagnostic` for tsc, the
 * bundler plugin's own `this.error`/`this.warn` from `CachetDiagnostic`).
 */
import { relative } from 'node:path';

/** Every diagnostic code, with its number in tsc's output (`error TS990001`). */
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
  /** A plugin error (esbuild's prescan), not a finding at a source position: no tsc diagnostic. */
  CACHET_E_TAG_AFTER_START: { number: 990018, category: 'error' },
  CACHET_W_REFLECTIVE: { number: 990101, category: 'warning' },
  CACHET_W_SWR_SYNC: { number: 990102, category: 'warning' },
  CACHET_W_IMPURE: { number: 990103, category: 'warning' },
  CACHET_W_UNDECLARED_STORE: { number: 990104, category: 'warning' },
} as const;

/** A diagnostic's stable code (`CACHET_E_*` for errors, `CACHET_W_*` for warnings). */
export type DiagnosticCode = keyof typeof codes;

/** The codes of warnings (`CACHET_W_...`): what the `warnings` option may name. */
export const warningCodes: readonly string[] = Object.keys(codes).filter((code) => code.startsWith('CACHET_W_'));

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
  /** The text of that line, without its line break: every front end prints it as the code frame. */
  readonly lineText: string;
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

/**
 * The finding's line with carets under its range, as every front end shows it:
 *
 * ```text
 *   7 | export function load(id: number, done: () => void): User {
 *     |                                  ^^^^^^^^^^^^^^^^
 * ```
 */
export function codeFrame(diagnostic: Pick<CachetDiagnostic, 'line' | 'column' | 'length' | 'lineText'>): string {
  const { line, column, length, lineText } = diagnostic;
  const gutter = String(line);
  // Tabs stay tabs, so the carets line up however wide the terminal draws them.
  const indent = lineText.slice(0, column - 1).replace(/[^\t]/g, ' ');
  const carets = '^'.repeat(Math.max(1, Math.min(length, lineText.length - (column - 1))));
  return `  ${gutter} | ${lineText}\n  ${' '.repeat(gutter.length)} | ${indent}${carets}`;
}

/**
 * A finding where the front end prints no location of its own (webpack, Rspack, esbuild, the
 * Node loader): `file:line:column CACHET_E_X: message Hint: ...` and the code frame, with the
 * file relative to `cwd` as tsc prints it and line and column 1-based.
 */
export function formatFinding(diagnostic: CachetDiagnostic, cwd: string = process.cwd()): string {
  const file = relative(cwd, diagnostic.fileName) || diagnostic.fileName;
  return `${file}:${diagnostic.line}:${diagnostic.column} ${formatMessage(diagnostic)}\n${codeFrame(diagnostic)}`;
}
