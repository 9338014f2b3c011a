import type { FunctionStats } from './stats.js';
import type { StatsCounts, StatsSample } from './store.js';

const MINUTE = 60_000;

/**
 * Turns running counters into samples for `Store.recordStats`: each report carries what each
 * function counted since the previous one, stamped with the current minute.
 */
export class StatsReporter {
  private readonly reported = new Map<string, StatsCounts>();

  /** The samples to send now; empty when nothing was counted since the last call. */
  samples(functions: Iterable<{ readonly id: string; stats(): FunctionStats }>, now: number): StatsSample[] {
    const at = Math.floor(now / MINUTE) * MINUTE;
    const totals = new Map<string, StatsCounts>();
    for (const fn of functions) {
      const s = fn.stats();
      const sum = totals.get(fn.id);
      totals.set(fn.id, sum === undefined ? pick(s) : add(sum, pick(s)));
    }
    const samples: StatsSample[] = [];
    for (const [fn, total] of totals) {
      const before = this.reported.get(fn) ?? zero;
      const delta = subtract(total, before);
      this.reported.set(fn, total);
      if (delta.hits + delta.misses + delta.staleHits + delta.herdJoins + delta.errors > 0)
        samples.push({ fn, at, ...delta });
    }
    return samples;
  }
}

const zero: StatsCounts = { hits: 0, misses: 0, staleHits: 0, herdJoins: 0, errors: 0 };
const pick = ({ hits, misses, staleHits, herdJoins, errors }: StatsCounts): StatsCounts => ({
  hits,
  misses,
  staleHits,
  herdJoins,
  errors,
});
const add = (a: StatsCounts, b: StatsCounts): StatsCounts => ({
  hits: a.hits + b.hits,
  misses: a.misses + b.misses,
  staleHits: a.staleHits + b.staleHits,
  herdJoins: a.herdJoins + b.herdJoins,
  errors: a.errors + b.errors,
});
const subtract = (a: StatsCounts, b: StatsCounts): StatsCounts => ({
  hits: a.hits - b.hits,
  misses: a.misses - b.misses,
  staleHits: a.staleHits - b.staleHits,
  herdJoins: a.herdJoins - b.herdJoins,
  errors: a.errors - b.errors,
});
