/**
 * Where options given in code were written: the caller's file, line and column, read from the
 * stack (V8's format: `at name (file:line:column)` or `at file:line:column`), for front ends
 * that are called rather than parsed (`configure()`, `cached()`, the bundler plugin).
 */

/** A 1-based position in a file. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const FRAME = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/;

/**
 * A frame of code run by `eval` or `new Function`: `at eval (eval at f (a.js:1:2), <anonymous>:3:4)`.
 * Its own position is in a string with no file (`<anonymous>`); the place reported is where that
 * code was made, the innermost `eval at` with a file (nested evals name the outer one there).
 */
const EVAL_ORIGIN = /\(eval at [^(]*\(((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)/;

/**
 * The first frame below `boundary` (the function the user called) whose file `skip` does not
 * pass over; undefined where the engine gives no such stack.
 */
export function callSite(
  boundary: (...args: never[]) => unknown,
  skip?: (file: string) => boolean,
): Position | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  Error.captureStackTrace?.(holder, boundary);
  Error.stackTraceLimit = limit;
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const match = (line.includes('(eval at ') ? EVAL_ORIGIN : FRAME).exec(line);
    if (match === null) continue;
    const file = fileOf(match[1] as string);
    if (file.startsWith('node:') || skip?.(file) === true) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

function fileOf(location: string): string {
  return location.startsWith('file://') ? decodeURIComponent(location.slice('file://'.length)) : location;
}

/** `file:line:column`. */
export function formatPosition(position: Position): string {
  return `${position.file}:${position.line}:${position.column}`;
}
