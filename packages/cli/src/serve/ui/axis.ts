/**
 * The chart's axes: which buckets get a time label and what it says (a clock time, with the date
 * where it changes, or only the date for day buckets), spaced so that labels never overlap, and a
 * round top for the count axis.
 */

const DAY = 86_400_000;

/** Approximate width of one character of the axis font (11px), for spacing labels. */
const CHAR_WIDTH = 6.5;
const GAP = 16;

/** Label every k-th bucket, k the first of these that leaves room (aligned to whole multiples of k buckets). */
const STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120];

export interface Tick {
  /** The bucket's index. */
  readonly index: number;
  readonly text: string;
}

/** Time labels for buckets starting at `at`, `bucket` ms each, drawn `barWidth` px apart. */
export function timeTicks(at: readonly number[], bucket: number, barWidth: number): Tick[] {
  // Room for the longest label a tick may get: one with its date.
  const widest = Math.max(5, ...at.map((time) => label(time, bucket, undefined).length)) * CHAR_WIDTH + GAP;
  const step = STEPS.find((k) => k * barWidth >= widest) ?? Math.ceil(widest / barWidth);
  const ticks: Tick[] = [];
  let previous: number | undefined;
  at.forEach((time, index) => {
    if (Math.round(time / bucket) % step !== 0) return;
    ticks.push({ index, text: label(time, bucket, previous) });
    previous = time;
  });
  return ticks;
}

/**
 * `14:05`; with the date where it changed since `previous` (`Dec 6 14:00`); only the date at
 * midnight and for day buckets (`Dec 6`, in the browser's locale and time zone).
 */
function label(time: number, bucket: number, previous: number | undefined): string {
  const date = new Date(time);
  const day = date.toLocaleDateString([], { day: 'numeric', month: 'short' });
  const midnight = date.getHours() === 0 && date.getMinutes() === 0;
  if (bucket >= DAY || midnight) return day;
  const clock = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  const sameDay = previous !== undefined && new Date(previous).toDateString() === date.toDateString();
  return sameDay ? clock : `${day} ${clock}`;
}

/** The smallest of 1, 2, 5 × 10^k at or above `n` (at least 1): the count axis's top. */
export function roundUp(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  return ([1, 2, 5, 10].find((m) => m * power >= n) as number) * power;
}
