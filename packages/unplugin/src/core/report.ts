/**
 * The one place a Cachet finding becomes a bundler error or warning. Every bundler shows the same
 * code, message, 1-based line and column, and code frame: Rollup, Vite and Rolldown from `loc` and
 * `frame`, the others from the text (`formatFinding`), since they drop or renumber a plugin's `loc`.
 */
import { type CachetDiagnostic, codeFrame, formatFinding, formatMessage } from '@cachet/compiler/diagnostics';
import type { UnpluginContext, UnpluginMessage } from 'unplugin';

export interface ReportProps {
  /** With the warnings policy applied: a warning set to `error` arrives as an error. */
  readonly diagnostics: readonly CachetDiagnostic[];
  /**
   * Whether `this.error` throws (Rollup, Vite, Rolldown), so only one error can be raised: the
   * first then lists the others. esbuild, webpack and Rspack collect every message.
   */
  readonly errorThrows: boolean;
  /**
   * Whether the bundler prints an error's and a warning's `loc` and `frame` as given: Rollup both,
   * Vite and Rolldown an error's (they print a warning's message alone). webpack and Rspack drop
   * them; esbuild drops the frame and prints columns from 0. Where not, both go into the text.
   */
  readonly printsLocation: { readonly error: boolean; readonly warning: boolean };
}

/** What Rollup-like bundlers take beyond unplugin's message: the code frame they print. */
interface Message extends UnpluginMessage {
  readonly frame?: string;
}

/** Reports warnings, then errors. Returns whether the file has errors. */
export function report(context: UnpluginContext, props: ReportProps): boolean {
  const { diagnostics } = props;
  const isError = (d: CachetDiagnostic): boolean => d.category === 'error';
  for (const warning of diagnostics.filter((d) => !isError(d))) context.warn(toMessage(warning, props));
  const errors = diagnostics.filter(isError);
  if (errors.length === 0) return false;
  if (props.errorThrows) {
    // The others follow the first error's frame, which these bundlers print after its message.
    const [first, ...others] = errors as [CachetDiagnostic, ...CachetDiagnostic[]];
    const message = toMessage(first, props);
    const more = others.map((d) => `\n${formatFinding(d)}`).join('');
    context.error(
      message.frame === undefined
        ? { ...message, message: message.message + more }
        : { ...message, frame: message.frame + more },
    );
  } else {
    for (const error of errors) context.error(toMessage(error, props));
  }
  return true;
}

function toMessage(d: CachetDiagnostic, props: ReportProps): Message {
  const common = { id: d.fileName, code: d.code, plugin: 'unplugin-cachet' };
  if (!props.printsLocation[d.category]) return { ...common, message: formatFinding(d) };
  return {
    ...common,
    message: formatMessage(d),
    // 1-based like every other front end's (these bundlers print the column as given).
    loc: { file: d.fileName, line: d.line, column: d.column },
    frame: codeFrame(d),
  };
}
