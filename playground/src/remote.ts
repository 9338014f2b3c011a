/**
 * A stand-in for a slow remote weather API: every call waits as a network round trip would, and
 * the data is made up, but the same for the same question.
 */

export interface Station {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly lat: number;
  readonly lon: number;
}

export interface Reading {
  /** Minutes since midnight. */
  readonly minute: number;
  readonly temperature: number;
  readonly humidity: number;
  readonly wind: number;
}

/** Simulated latency of one request, in ms. */
export const LATENCY = { stations: 150, readings: 80 };

/** How many requests reached the "remote" API in this process. */
export const remoteCalls = { count: 0 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function fetchStations(region: string): Promise<Station[]> {
  remoteCalls.count++;
  await sleep(LATENCY.stations);
  const random = seeded(region);
  return Array.from({ length: 4 }, (_, i) => ({
    id: `${region}-${i + 1}`,
    name: `${region[0]?.toUpperCase()}${region.slice(1)} ${['Ridge', 'Harbour', 'Airfield', 'Valley'][i]}`,
    region,
    lat: 40 + random() * 20,
    lon: -10 + random() * 30,
  }));
}

/** One reading every 5 minutes of `day` (YYYY-MM-DD). */
export async function fetchReadings(stationId: string, day: string): Promise<Reading[]> {
  remoteCalls.count++;
  await sleep(LATENCY.readings);
  const random = seeded(`${stationId}/${day}`);
  const base = 8 + random() * 14;
  return Array.from({ length: 288 }, (_, i) => {
    const minute = i * 5;
    const daily = Math.sin(((minute - 360) / 1440) * 2 * Math.PI);
    return {
      minute,
      temperature: round(base + 6 * daily + (random() - 0.5) * 2),
      humidity: round(55 - 20 * daily + (random() - 0.5) * 10),
      wind: round(Math.abs(12 + 8 * Math.sin(minute / 97) + (random() - 0.5) * 6)),
    };
  });
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** A small deterministic generator (mulberry32) seeded from text. */
export function seeded(text: string): () => number {
  let state = 0;
  for (let i = 0; i < text.length; i++) state = (Math.imul(state, 31) + text.charCodeAt(i)) | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
