/**
 * The one place a Cachet finding becomes a bundler error or warning, with file, line and column.
 */
import { type CachetDiagnostic, formatMessage } from '@cachet/compiler';
import type { UnpluginContext, UnpluginMessage } from 'unplugin';

export interface ReportProps {
  /** With the warnings policy applied: a warning set to `error` arrives as an error. */
  readonly diagnostics: readonly CachetDiagnostic[];
  /**
   * Whether `this.error` throws (Rollup, Vite, Rolldown), so only one error can be raised: the
   * first then lists the others. esbuild, webpack and Rspack collect every message.
   */
  readonly errorThrows: boolean;
  /** Whether the bundler prints `loc` (webpack and Rspack drop it, so it goes into the text). */
  readonly printsLocation: boolean;
}

/** Reports warnings, then errors. Returns whether the file has errors. */
export function report(context: UnpluginContext, props: ReportProps): boolean {
  const { diagnostics } = props;
  const isError = (d: CachetDiagnostic): boolean => d.category === 'error';
  for (const warning of diagnostics.filter((d) => !isError(d))) context.warn(toMessage(warning, props));
  const errors = diagnostics.filter(isError);
  if (errors.length === 0) return false;
  if (props.errorThrows) {
    const [first, ...others] = errors as [CachetDiagnostic, ...CachetDiagnostic[]];
    const message = toMessage(first, props);
    const more = others.map((d) => `\n${where(d)} ${formatMessage(d)}`).join('');
    context.error({ ...message, message: message.message + more });
  } else {
    for (const error of errors) context.error(toMessage(error, props));
  }
  return true;
}

function toMessage(d: CachetDiagnostic, props: ReportProps): UnpluginMessage {
  const text = formatMessage(d);
  return {
    message: props.printsLocation ? text : `${where(d)} ${text}`,
    id: d.fileName,
    code: d.code,
    plugin: 'unplugin-cachet',
    // Bundlers count columns from 0.
    loc: { file: d.fileName, line: d.line, column: d.column - 1 },
  };
}

/** `src/users.ts:4:17`-style location, for bundlers that print no `loc`. */
function where(d: CachetDiagnostic): string {
  return `${d.fileName}:${d.line}:${d.column}`;
}
