/**
 * One run of the weather service: three clients ask for every station's weekly report at once
 * (one computation per report; the others join it), then ask again, then label the stations.
 * Prints the time of each phase and what the cache did; the last line is the same as JSON.
 */
import { close, type FunctionStats, stats } from '@cachet/runtime';
import { remoteCalls, type Station } from './remote.js';
import { label, readings, stations, weeklyReport } from './service.js';

const build = process.env.PLAYGROUND_BUILD ?? 'unknown';
const regions = ['north', 'south'];
const options = { days: 7, confidence: 0.95 };
const phases: Record<string, number> = {};

async function phase<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const result = await work();
  phases[name] = performance.now() - start;
  return result;
}

const all: Station[] = (await phase('stations', () => Promise.all(regions.map((r) => stations(r))))).flat();
const clients = () =>
  Promise.all([1, 2, 3].map(() => Promise.all(all.map((station) => weeklyReport(station, options)))));
const [first] = await phase('reports', clients);
await phase('reports again', clients);
await phase('labels', () => [...all, ...all].map((station) => label(station)));
const total = Object.values(phases).reduce((a, b) => a + b, 0);

const functions = { stations, readings, weeklyReport, label };
const counted = Object.values(functions).map((fn) => stats(fn as (...args: never[]) => unknown));
await close();

const ms = (n: number): string => (n < 10 ? n.toFixed(1) : n.toFixed(0)).padStart(6);
const out: string[] = [`playground, ${build} build, cache ${process.env.CACHET_DIR ?? '.cachet'}`];
for (const [name, time] of Object.entries(phases)) out.push(`  ${name.padEnd(16)}${ms(time)} ms`);
out.push(`  ${'total'.padEnd(16)}${ms(total)} ms   remote API calls: ${remoteCalls.count}`);
const hottest = first?.[0];
if (hottest !== undefined) {
  const a = hottest.analysis;
  out.push(
    `  e.g. ${hottest.station}: mean ${a.meanTemperature} °C (95% ${a.interval.join('..')}), period ${a.period * 5} min`,
  );
}
out.push('', `  ${'function'.padEnd(30)}${'hits by tier'.padEnd(34)}misses  stale  herd joins`);
for (const s of counted) out.push(`  ${s.fn.padEnd(30)}${tierHits(s).padEnd(34)}${row(s)}`);
console.log(out.join('\n'));
console.log(
  JSON.stringify({ playground: { build, total, phases, remoteCalls: remoteCalls.count, functions: counted } }),
);

function tierHits(s: FunctionStats): string {
  const parts = Object.entries(s.tiers)
    .filter(([, c]) => c.hits > 0)
    .map(([tier, c]) => `${tier} ${c.hits}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

function row(s: FunctionStats): string {
  return `${String(s.misses).padStart(6)}  ${String(s.staleHits).padStart(5)}  ${String(s.herdJoins).padStart(10)}`;
}
