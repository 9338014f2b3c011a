/**
 * The dashboard page: draws `/api/overview` every 5 seconds, and clears entries (after asking)
 * with the per-run token the server wrote into the page.
 */
import type { Overview } from '../data.js';
import { bucketNote, drawChart } from './chart.js';
import { byId } from './dom.js';
import { drawCards, drawExpiring, drawFunctions } from './tables.js';

const REFRESH_EVERY = 5000;

const token = (document.querySelector('meta[name="cachet-token"]') as HTMLMetaElement).content;
const range = byId<HTMLSelectElement>('range');
const confirm = byId<HTMLDialogElement>('confirm');
let data: Overview | undefined;
/** The function the open confirmation is about; null for every function. */
let pending: string | null = null;

function status(text: string): void {
  byId('status').textContent = text;
}

function ask(text: string, fn: string | null): void {
  pending = fn;
  byId('confirm-text').textContent = text;
  confirm.showModal();
}

async function clear(fn: string | null): Promise<void> {
  const res = await fetch('/api/clear', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Cachet-Token': token },
    body: JSON.stringify({ fn }),
  });
  if (!res.ok) return status(`Clear failed: ${await res.text()}`);
  const done = (await res.json()) as { removed: number };
  status(`Removed ${done.removed} entries${fn === null ? '.' : ` of ${fn}.`}`);
  await refresh();
}

/** Fills the range selector once, from the ranges the server offers. */
function offerRanges(d: Overview): void {
  if (range.options.length > 0) return;
  for (const { name, label } of d.ranges) range.add(new Option(label, name, name === d.range, name === d.range));
}

async function refresh(): Promise<void> {
  try {
    const query = range.value === '' ? '' : `?range=${encodeURIComponent(range.value)}`;
    const res = await fetch(`/api/overview${query}`);
    if (!res.ok) throw new Error(await res.text());
    const d = (await res.json()) as Overview;
    data = d;
    offerRanges(d);
    byId('dir').textContent = d.dir;
    drawCards(d);
    drawChart(byId('chart') as unknown as SVGSVGElement, d);
    byId('bucket').textContent = bucketNote(d);
    drawFunctions(d, (fn, entries) => ask(`Remove all ${entries} entries of ${fn}?`, fn));
    drawExpiring(d);
    document.body.dataset.updated = String(d.now);
  } catch (error) {
    status(`Could not load: ${(error as Error).message}`);
  }
}

confirm.addEventListener('close', () => {
  if (confirm.returnValue !== 'ok') return status('Nothing cleared.');
  void clear(pending);
});
byId('clear-all').addEventListener('click', () =>
  ask(`Remove all ${data?.totals.entries ?? ''} entries of every function?`, null),
);
range.addEventListener('change', () => void refresh());

void refresh();
setInterval(() => void refresh(), REFRESH_EVERY);
