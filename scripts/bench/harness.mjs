/**
 * A small benchmark harness: each case runs in batches timed with hrtime; the result is the
 * median and p99 of the per-call time over all batches. Cases of one group run interleaved,
 * round after round, so a noisy moment on a shared machine hits them all alike.
 */

/**
 * @param {string} group
 * @param {Record<string, (i: number) => unknown>} cases  sync bodies, called with the iteration index
 * @param {{ batch?: number, rounds?: number, warmup?: number }} [options]
 */
export function measure(group, cases, { batch = 20_000, rounds = 60, warmup = 3 } = {}) {
  const names = Object.keys(cases);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  let sink = 0;
  for (let round = -warmup; round < rounds; round++) {
    for (const name of names) {
      const body = cases[name];
      const start = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) if (body(i) === sink) sink++;
      const ns = Number(process.hrtime.bigint() - start) / batch;
      if (round >= 0) samples[name].push(ns);
    }
  }
  return summarise(group, samples, sink);
}

/** The same for async bodies: each call is awaited. */
export async function measureAsync(group, cases, { batch = 5_000, rounds = 40, warmup = 3 } = {}) {
  const names = Object.keys(cases);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  let sink = 0;
  for (let round = -warmup; round < rounds; round++) {
    for (const name of names) {
      const body = cases[name];
      const start = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) if ((await body(i)) === sink) sink++;
      const ns = Number(process.hrtime.bigint() - start) / batch;
      if (round >= 0) samples[name].push(ns);
    }
  }
  return summarise(group, samples, sink);
}

function summarise(group, samples, sink) {
  const rows = Object.entries(samples).map(([name, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { group, name, median: at(0.5), p99: at(0.99), samples: sorted.length };
  });
  if (sink === -1) console.log(''); // keeps results observable to the optimiser
  return rows;
}

/** Prints rows as a table with ratios to the named baseline. */
export function print(rows, baseline) {
  const base = rows.find((row) => row.name === baseline)?.median;
  console.log(`\n${rows[0]?.group}`);
  for (const row of rows) {
    const ratio = base ? ` ${(row.median / base).toFixed(2)}x` : '';
    console.log(
      `  ${row.name.padEnd(44)} median ${row.median.toFixed(1).padStart(8)} ns  p99 ${row.p99.toFixed(1).padStart(8)} ns${ratio}`,
    );
  }
}
