/**
 * The weather service: each function below is cached by the build (`@cached`), each a different
 * way — how long, where, and what invalidates it.
 */
import { type Analysis, analyse } from './analysis.js';
import { fetchReadings, fetchStations, type Reading, type Station } from './remote.js';

/**
 * The stations of a region. They change rarely: an hour in memory, and in SQLite behind it so the
 * next process starts warm (`tiered` is the default storage on Node).
 * @cached ttl=1h storage=tiered
 */
export async function stations(region: string): Promise<Station[]> {
  return fetchStations(region);
}

/**
 * One station's readings for one day, from the slow API. Fresh for 10 minutes; after that, for up
 * to an hour, callers get the stored readings at once while one call refreshes them. `version=2`:
 * the reading format changed once, and entries of version 1 are never read.
 * @cached ttl=10m swr=1h storage=sqlite version=2
 */
export async function readings(stationId: string, day: string): Promise<Reading[]> {
  return fetchReadings(stationId, day);
}

export interface WeeklyReport {
  readonly station: string;
  readonly days: readonly string[];
  readonly analysis: Analysis;
  readonly hourly: readonly number[];
  /** A Date: the report is stored with the v8 codec, not JSON. */
  readonly generatedAt: Date;
}

/**
 * The heavy part: a week of readings, analysed. Stored as a blob file (`fs`) and never expires;
 * `version=auto` hashes this function's source, so editing it drops its old entries. The key is
 * the station's declared properties and the options: excess properties are not part of it.
 * @cached version=auto storage=fs
 */
export async function weeklyReport(
  station: Station,
  opts: { days: number; confidence: number },
): Promise<WeeklyReport> {
  const days = lastDays(opts.days);
  const week = (await Promise.all(days.map((day) => readings(station.id, day)))).flat();
  const hourly: number[] = [];
  for (let i = 0; i < week.length; i += 12) hourly.push((week[i] as Reading).temperature);
  return {
    station: station.id,
    days,
    analysis: analyse(week, opts.confidence, 4000),
    hourly,
    generatedAt: new Date(), // cachet-ignore-impure: when the cached report was made, kept with it
  };
}

/**
 * A display label: cheap, but called for every row of every page; kept in process memory only.
 * @cached storage=memory
 */
export function label(station: Station): string {
  return `${station.name} (${station.lat.toFixed(2)}, ${station.lon.toFixed(2)})`;
}

/** The `count` days before a fixed date (fixed, so every run asks the same questions). */
function lastDays(count: number): string[] {
  const end = Date.UTC(2025, 5, 30);
  return Array.from({ length: count }, (_, i) => new Date(end - i * 86_400_000).toISOString().slice(0, 10));
}
