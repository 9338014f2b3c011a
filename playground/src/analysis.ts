import { type Reading, seeded } from './remote.js';

/** What a week of readings comes down to. */
export interface Analysis {
  readonly samples: number;
  readonly meanTemperature: number;
  /** A bootstrap confidence interval of the mean temperature. */
  readonly interval: readonly [number, number];
  /** The lag (in readings) at which temperature correlates most with itself: the daily cycle. */
  readonly period: number;
  readonly maxWind: number;
}

/**
 * The heavy computation: a bootstrap of the mean (thousands of resamples) and the
 * autocorrelation over every lag up to a day. Pure, deterministic, and slow on purpose.
 */
export function analyse(readings: readonly Reading[], confidence: number, resamples: number): Analysis {
  const temps = readings.map((r) => r.temperature);
  const n = temps.length;
  const mean = temps.reduce((a, b) => a + b, 0) / n;
  const random = seeded(`${n}:${mean}`);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += temps[Math.floor(random() * n)] as number;
    means[b] = sum / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  let period = 0;
  let best = Number.NEGATIVE_INFINITY;
  for (let lag = 12; lag <= Math.min(n - 1, 300); lag++) {
    let c = 0;
    for (let i = 0; i + lag < n; i++) c += ((temps[i] as number) - mean) * ((temps[i + lag] as number) - mean);
    c /= n - lag;
    if (c > best) [best, period] = [c, lag];
  }
  return {
    samples: n,
    meanTemperature: round(mean),
    interval: [
      round(means[Math.floor(tail * resamples)] ?? mean),
      round(means[Math.ceil((1 - tail) * resamples) - 1] ?? mean),
    ],
    period,
    maxWind: Math.max(...readings.map((r) => r.wind)),
  };
}

const round = (n: number): number => Math.round(n * 100) / 100;
