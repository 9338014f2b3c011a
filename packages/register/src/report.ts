/**
 * The one place the loader prints a finding: `file:line:column CODE: message Hint: ...` and its
 * code frame, as the bundler plugin prints it where the bundler shows no location. Written
 * synchronously to stderr, so nothing is lost when the process stops right after.
 */
import { writeSync } from 'node:fs';
import type { CachetDiagnostic } from '@cachet/compiler';
import type { LoadCore } from './core.js';

export interface Reporter {
  /** Prints the file's findings (each warning once per process); returns whether it has errors. */
  report(diagnostics: readonly CachetDiagnostic[]): boolean;
}

export function createReporter(props: { readonly strict: boolean; readonly loadCore: LoadCore }): Reporter {
  const printed = new Set<string>();
  return {
    report(diagnostics) {
      const isError = (d: CachetDiagnostic): boolean => d.category === 'error' || props.strict;
      const lines: string[] = [];
      if (diagnostics.length === 0) return false;
      const { formatFinding } = props.loadCore().compiler;
      for (const d of diagnostics) {
        const finding = formatFinding(d);
        if (!isError(d) && printed.has(finding)) continue;
        printed.add(finding);
        lines.push(finding);
      }
      if (lines.length > 0) writeSync(2, `${lines.join('\n')}\n`);
      return diagnostics.some(isError);
    },
  };
}
