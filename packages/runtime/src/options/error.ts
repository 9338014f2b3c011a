/** Options refused at a front end that is called rather than parsed: one error, every problem, the caller's position. */
import { CachetConfigError } from '../errors.js';
import { callSite, formatPosition, type Position } from './call-site.js';
import { checkOptions, type OptionProblem } from './check.js';
import type { FrontEnd } from './front-ends.js';
import type { Schema } from './schema.js';

/** Options that break the declarations; `code` is the first problem's. */
export class CachetOptionError extends CachetConfigError {
  constructor(
    /** Every mistake found. */
    readonly problems: readonly OptionProblem[],
    /** Where the options were given, when the stack says. */
    readonly position: Position | undefined,
    /** What was called, e.g. `configure()`. */
    what: string,
  ) {
    const where = position === undefined ? '' : `${formatPosition(position)}: `;
    const lines = problems.map((p) => `${where}${p.code}: ${p.message} in ${what} Hint: ${p.hint}`);
    super(lines.join('\n'), { code: (problems[0] as OptionProblem).code });
    this.name = 'CachetOptionError';
  }
}

/** What a called front end checks its options with. */
export interface OptionsCall {
  readonly schema: Schema;
  readonly frontEnd: FrontEnd;
  /** What the user called, e.g. `configure()`. */
  readonly what: string;
  /** The function the user called: the position is its caller's. */
  readonly boundary: (...args: never[]) => unknown;
  /** Frames to pass over below the boundary (a wrapper between the user and `boundary`). */
  readonly skip?: (file: string) => boolean;
  /** Maps the call's position to the source the user wrote, where the caller was compiled. */
  readonly original?: (position: Position) => Position;
}

/** Throws a `CachetOptionError` at the caller's position when `input` breaks the declarations. */
export function assertOptions(call: OptionsCall, input: unknown): void {
  const problems = checkOptions(call.schema, call.frontEnd, input);
  if (problems.length === 0) return;
  const site = callSite(call.boundary, call.skip);
  throw new CachetOptionError(problems, site === undefined ? undefined : (call.original?.(site) ?? site), call.what);
}
