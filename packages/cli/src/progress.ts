import type { OnProgress, Progress } from './cache.js';
import type { Output } from './io.js';

const LABELS: Record<Progress['phase'], string> = {
  expired: 'removing expired entries',
  orphans: 'checking blob files',
  prune: 'removing entries',
  versions: 'removing older versions',
};

/** Redraws at most this often (ms), and always at the end of a phase. */
const EVERY = 80;

export interface ProgressLine {
  readonly update: OnProgress;
  /** Clears the line. */
  done(): void;
}

/**
 * A progress line drawn in place on a terminal (`\r`), only when `out` is a TTY and `enabled`;
 * otherwise it draws nothing, so piped output stays clean.
 */
export function progressLine(out: Output, enabled: boolean, now: () => number = Date.now): ProgressLine {
  if (!enabled || out.isTTY !== true) return { update: () => {}, done: () => {} };
  let drawn = false;
  let last = 0;
  return {
    update(p) {
      const t = now();
      if (t - last < EVERY && p.done < p.total) return;
      last = t;
      out.write(`\r\x1b[K${renderProgress(p, Math.min(out.columns || 80, 100))}`);
      drawn = true;
    },
    done() {
      if (drawn) out.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** `removing expired entries  [########------------]  1200/3000  40%`, fitted to `width`. */
export function renderProgress(p: Progress, width: number): string {
  const label = LABELS[p.phase];
  const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  const counts = `${p.done}/${p.total}  ${Math.floor(ratio * 100)}%`;
  const bar = Math.max(10, width - label.length - counts.length - 8);
  const filled = Math.round(ratio * bar);
  return `${label}  [${'#'.repeat(filled)}${'-'.repeat(bar - filled)}]  ${counts}`;
}
