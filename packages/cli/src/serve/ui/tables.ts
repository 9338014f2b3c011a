/** The totals cards and the two tables (functions, expiring entries), formatted as `cachet` prints. */
import { formatBytes, formatRate, formatWhen, printable } from '../../format.js';
import type { Overview } from '../data.js';
import { calls, sparkline } from './chart.js';
import { byId, el } from './dom.js';

export function drawCards(d: Overview): void {
  const t = d.totals;
  const items: [string, string | number][] = [
    ['Functions', t.functions],
    ['Entries', t.entries],
    ['Size', formatBytes(t.bytes)],
    ['Hit rate', formatRate(t.hitRate)],
    ['Served without running', formatRate(t.servedRate)],
    ['Calls', calls(t)],
    ['Herd joins', t.herdJoins],
  ];
  byId('cards').replaceChildren(
    ...items.map(([name, value]) => {
      const card = el('div', name, 'card muted');
      card.prepend(el('b', value));
      card.dataset.card = name;
      return card;
    }),
  );
}

/** The functions table; `onClear(fn, entries)` when a row's Clear button is pressed. */
export function drawFunctions(d: Overview, onClear: (fn: string, entries: number) => void): void {
  byId('no-functions').hidden = d.functions.length > 0;
  const rows = d.functions.map((f) => {
    const row = el('tr');
    row.dataset.fn = f.fn;
    const trend = el('td');
    trend.append(sparkline(d.series.byFn[f.fn] ?? []));
    const action = el('td');
    if (f.entries > 0) {
      const button = el('button', 'Clear…', 'danger clear');
      button.addEventListener('click', () => onClear(f.fn, f.entries));
      action.append(button);
    }
    row.append(
      el('td', f.fn),
      el('td', f.entries, 'num entries'),
      el('td', formatBytes(f.bytes), 'num'),
      el('td', f.versions.join(', ')),
      el('td', f.hits + f.staleHits, 'num'),
      el('td', f.misses, 'num'),
      el('td', f.herdJoins, 'num'),
      el('td', formatRate(f.hitRate), 'num rate'),
      el('td', formatRate(f.servedRate), 'num served'),
      trend,
      action,
    );
    return row;
  });
  (byId<HTMLTableElement>('functions').tBodies[0] as HTMLTableSectionElement).replaceChildren(...rows);
}

export function drawExpiring(d: Overview): void {
  byId('no-expiring').hidden = d.expiring.length > 0;
  const rows = d.expiring.map((e) => {
    const row = el('tr');
    const key = el('td', printable(e.args), 'key');
    key.title = printable(e.key);
    row.append(el('td', e.fn), key, el('td', formatWhen(e.expiresAt, d.now)), el('td', formatBytes(e.size), 'num'));
    return row;
  });
  (byId<HTMLTableElement>('expiring').tBodies[0] as HTMLTableSectionElement).replaceChildren(...rows);
}
