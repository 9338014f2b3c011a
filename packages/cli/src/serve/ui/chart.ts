/**
 * The calls chart (stacked bars per bucket: hits, stale hits, herd joins, misses; the hit rate as
 * a line) and the functions' trend sparklines. Bucket size and labels adapt to the time shown
 * (serve/timeline.ts, axis.ts), so a minute of counts and a month of them read alike.
 */

import type { Counts } from '../../cache.js';
import { formatRate, formatSpan } from '../../format.js';
import type { Overview } from '../data.js';
import { roundUp, timeTicks } from './axis.js';
import { svg } from './dom.js';

/** The stacked kinds of call, bottom up; each is also the bar's CSS class (its colour). */
const KINDS = ['hits', 'staleHits', 'herdJoins', 'misses'] as const;
const NAMES: Record<(typeof KINDS)[number], string> = {
  hits: 'hits',
  staleHits: 'stale hits',
  herdJoins: 'herd joins',
  misses: 'misses',
};

const HEIGHT = 240;
const PAD = { left: 48, right: 44, top: 12, bottom: 26 };

export const calls = (c: Counts): number => c.hits + c.staleHits + c.herdJoins + c.misses;

/** Fresh and stale hits over calls, or undefined without calls. */
const rateOf = (c: Counts): number | undefined => (calls(c) === 0 ? undefined : (c.hits + c.staleHits) / calls(c));

export function drawChart(box: SVGSVGElement, d: Overview): void {
  box.replaceChildren();
  const width = box.clientWidth || 800;
  box.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
  const points = d.series.total;
  const top = roundUp(Math.max(0, ...points.map(calls)));
  const plot = { x: PAD.left, y: PAD.top, w: width - PAD.left - PAD.right, h: HEIGHT - PAD.top - PAD.bottom };
  const y = (v: number): number => plot.y + plot.h * (1 - v / top);
  const step = plot.w / Math.max(1, points.length);

  for (const v of [top / 2, top].filter(Number.isInteger)) {
    box.append(svg('line', { x1: plot.x, x2: plot.x + plot.w, y1: y(v), y2: y(v), class: 'grid' }));
    box.append(svg('text', { x: plot.x - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'count-axis' }, String(v)));
  }
  box.append(svg('line', { x1: plot.x, x2: plot.x + plot.w, y1: y(0), y2: y(0), class: 'base' }));
  box.append(svg('text', { x: plot.x - 6, y: y(0) + 4, 'text-anchor': 'end', class: 'count-axis' }, '0'));
  box.append(svg('text', { x: plot.x + plot.w + 6, y: plot.y + 4, class: 'rate-axis' }, '100%'));
  box.append(svg('text', { x: plot.x + plot.w + 6, y: y(0) + 4, class: 'rate-axis' }, '0%'));

  const line: [number, number][] = [];
  points.forEach((p, i) => {
    const x = plot.x + i * step + step * 0.1;
    const w = Math.max(1, step * 0.8);
    const when = new Date(d.series.at[i] as number).toLocaleString();
    let base = 0;
    for (const kind of KINDS) {
      const v = p[kind];
      if (v > 0) {
        const bar = svg('rect', { x, y: y(base + v), width: w, height: y(base) - y(base + v), class: kind });
        bar.dataset.kind = kind;
        bar.append(svg('title', {}, `${when}: ${v} ${NAMES[kind]}`));
        box.append(bar);
      }
      base += v;
    }
    const rate = rateOf(p);
    if (rate !== undefined) line.push([x + w / 2, plot.y + plot.h * (1 - rate)]);
  });
  if (line.length > 0) {
    box.append(svg('polyline', { points: line.map((q) => q.join(',')).join(' '), class: 'rate-line' }));
    for (const [cx, cy] of line) box.append(svg('circle', { cx, cy, r: 3, class: 'rate' }));
  }
  for (const tick of timeTicks(d.series.at, d.series.bucket, step)) {
    const x = plot.x + tick.index * step + step / 2;
    box.append(svg('text', { x, y: HEIGHT - 8, 'text-anchor': 'middle', class: 'time-axis' }, tick.text));
  }
}

/** `one bar per 30m, hit rate 87.5%`, under the chart. */
export function bucketNote(d: Overview): string {
  return `one bar per ${formatSpan(d.series.bucket)}; hit rate over the range ${formatRate(d.totals.hitRate)}`;
}

/** A function's hit rate per bucket, as a small line. */
export function sparkline(counts: readonly Counts[]): SVGElement {
  const s = svg('svg', { width: 120, height: 24, viewBox: '0 0 120 24', class: 'spark' });
  const points: [number, number][] = [];
  counts.forEach((c, i) => {
    const rate = rateOf(c);
    if (rate !== undefined) points.push([((i + 0.5) * 120) / counts.length, 22 - 20 * rate]);
  });
  const [only] = points;
  if (points.length === 1 && only !== undefined)
    s.append(svg('circle', { cx: only[0], cy: only[1], r: 2.5, class: 'rate' }));
  if (points.length > 1) s.append(svg('polyline', { points: points.map((q) => q.join(',')).join(' ') }));
  return s;
}
