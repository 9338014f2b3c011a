import { newTierCounters, type TierCounters } from './tier.js';

/** Counters of one cached function. */
export interface FunctionStats {
  readonly fn: string;
  /** Calls answered from any tier (fresh). */
  readonly hits: number;
  /** Calls that ran the function in this process (a call served by a run elsewhere is a herd join). */
  readonly misses: number;
  /** Calls answered with a stale value under stale-while-revalidate. */
  readonly staleHits: number;
  /**
   * Calls that waited for a run already in flight, in this process or (through a store that
   * leases, such as SQLite or Redis) in another, instead of running the function again.
   */
  readonly herdJoins: number;
  /** Runs that threw or rejected (errors are never cached). */
  readonly errors: number;
  /** Background refreshes started under stale-while-revalidate, and how many failed. */
  readonly refreshes: number;
  readonly refreshErrors: number;
  /** Per tier: `context`, `memory`, then stores by name. */
  readonly tiers: Readonly<Record<string, Readonly<TierCounters>>>;
}

/** The mutable counters behind `FunctionStats`. */
export class Counters {
  hits = 0;
  misses = 0;
  staleHits = 0;
  herdJoins = 0;
  errors = 0;
  refreshes = 0;
  refreshErrors = 0;
  readonly memory: TierCounters = newTierCounters();
  private readonly tiers = new Map<string, TierCounters>([['memory', this.memory]]);

  tier(name: string): TierCounters {
    let counters = this.tiers.get(name);
    if (counters === undefined) {
      counters = newTierCounters();
      this.tiers.set(name, counters);
    }
    return counters;
  }

  snapshot(fn: string): FunctionStats {
    const tiers: Record<string, TierCounters> = {};
    for (const [name, counters] of this.tiers) tiers[name] = { ...counters };
    const { hits, misses, staleHits, herdJoins, errors, refreshes, refreshErrors } = this;
    return { fn, hits, misses, staleHits, herdJoins, errors, refreshes, refreshErrors, tiers };
  }

  reset(): void {
    this.hits = this.misses = this.staleHits = this.herdJoins = this.errors = this.refreshes = this.refreshErrors = 0;
    for (const counters of this.tiers.values()) Object.assign(counters, newTierCounters());
  }
}

/** Adds up several functions' stats (for `stats()` without a function). */
export function sumStats(all: readonly FunctionStats[]): Omit<FunctionStats, 'fn'> {
  const total = { hits: 0, misses: 0, staleHits: 0, herdJoins: 0, errors: 0, refreshes: 0, refreshErrors: 0 };
  const tiers: Record<string, TierCounters> = {};
  for (const one of all) {
    for (const field of Object.keys(total) as (keyof typeof total)[]) total[field] += one[field];
    for (const [name, counters] of Object.entries(one.tiers)) {
      const sum = (tiers[name] ??= newTierCounters());
      sum.hits += counters.hits;
      sum.misses += counters.misses;
      sum.writes += counters.writes;
      sum.errors += counters.errors;
    }
  }
  return { ...total, tiers };
}
