/**
 * The dashboard: one self-contained page (no external resources), drawn from `/api/overview`
 * every 5 seconds. Text from the cache is only ever set with `textContent`, never as HTML.
 */

export interface PageOptions {
  /** The per-run token the page sends with requests that change anything. */
  readonly token: string;
  /** CSP nonce of the inline script and style. */
  readonly nonce: string;
}

export function dashboardPage({ token, nonce }: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="cachet-token" content="${token}">
<title>Cachet dashboard</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>Cachet</h1>
  <span id="dir" class="muted"></span>
  <span class="spacer"></span>
  <label>Range <select id="range"><option value="1h">last hour</option><option value="24h">last 24 hours</option><option value="7d">last 7 days</option></select></label>
  <button id="clear-all" class="danger">Clear all…</button>
</header>
<main>
  <section class="cards" id="cards"></section>
  <section>
    <h2>Hit rate over time</h2>
    <div id="chart-box"><svg id="chart" role="img" aria-label="calls and hit rate over time"></svg></div>
    <p class="legend"><span class="sw hit"></span>hits <span class="sw stale"></span>stale hits <span class="sw join"></span>herd joins <span class="sw miss"></span>misses <span class="sw rate"></span>hit rate</p>
  </section>
  <section>
    <h2>Functions</h2>
    <table id="functions"><thead><tr>
      <th>Function</th><th class="num">Entries</th><th class="num">Size</th><th>Versions</th>
      <th class="num">Hits</th><th class="num">Misses</th><th class="num">Herd joins</th><th class="num">Hit rate</th><th class="num" title="hits, stale hits and herd joins over all calls">Served without running</th><th>Trend</th><th></th>
    </tr></thead><tbody></tbody></table>
    <p id="no-functions" class="muted" hidden>No function has entries or counted calls yet.</p>
  </section>
  <section>
    <h2>Expiring within the hour</h2>
    <table id="expiring"><thead><tr>
      <th>Function</th><th>Key arguments</th><th>Expires</th><th class="num">Size</th>
    </tr></thead><tbody></tbody></table>
    <p id="no-expiring" class="muted" hidden>No entry expires within the hour.</p>
  </section>
</main>
<p id="status" role="status" class="muted"></p>
<dialog id="confirm">
  <form method="dialog">
    <p id="confirm-text"></p>
    <menu><button value="cancel" id="confirm-cancel">Cancel</button><button value="ok" id="confirm-ok" class="danger">Clear</button></menu>
  </form>
</dialog>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root { --hit: #2e9d5b; --stale: #e0a526; --miss: #d9534f; --rate: #3a6fd8; --line: #e3e6ea; font: 14px/1.4 system-ui, sans-serif; color: #1d232b; }
body { margin: 0; background: #f6f7f9; }
header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1.5rem; background: #1d232b; color: #fff; }
header h1 { font-size: 1.2rem; margin: 0; }
header .muted { color: #aab3bf; }
.spacer { flex: 1; }
main { padding: 1rem 1.5rem; display: grid; gap: 1rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
.cards { display: flex; gap: 2rem; }
.card b { display: block; font-size: 1.5rem; color: #1d232b; }
.muted { color: #6b7480; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-weight: 600; color: #4a5360; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.key { font-family: ui-monospace, monospace; font-size: 12px; max-width: 40rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
button { font: inherit; padding: .25rem .75rem; border-radius: 4px; border: 1px solid #b8c0ca; background: #fff; cursor: pointer; }
button.danger { border-color: var(--miss); color: var(--miss); }
header button.danger { background: #fff; }
#chart { width: 100%; height: 220px; display: block; }
.legend { margin: .5rem 0 0; color: #4a5360; }
.sw { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 .8rem; vertical-align: -1px; border-radius: 2px; }
.sw.hit { background: var(--hit); } .sw.stale { background: var(--stale); } .sw.miss { background: var(--miss); } .sw.join { background: #8e6bc4; } .sw.rate { background: var(--rate); }
#status { padding: 0 1.5rem 1rem; }
dialog { border: 1px solid var(--line); border-radius: 8px; }
menu { display: flex; gap: .5rem; justify-content: flex-end; padding: 0; }
`;

/* Plain ES2020 for the browser; no template literals, so it sits in this file's template. */
const SCRIPT = `
'use strict';
const token = document.querySelector('meta[name="cachet-token"]').content;
const SVG = 'http://www.w3.org/2000/svg';
const COLOR = { hits: '#2e9d5b', staleHits: '#e0a526', herdJoins: '#8e6bc4', misses: '#d9534f', rate: '#3a6fd8' };
const calls = (c) => c.hits + c.staleHits + c.herdJoins + c.misses;
const $ = (id) => document.getElementById(id);
let data = null;

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}
function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const name in attrs) node.setAttribute(name, String(attrs[name]));
  return node;
}
function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? n + ' B' : n.toFixed(n < 10 ? 1 : 0) + ' ' + units[i];
}
function rate(r) { return r === null ? '-' : (r * 100).toFixed(1) + '%'; }
function span(ms) {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
  return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
}
function when(t, now) { return t === null ? 'never' : t <= now ? 'expired ' + span(now - t) + ' ago' : 'in ' + span(t - now); }
function printable(text) { return text.replace(/[\\u0000-\\u001f]/g, function (c) { return '\\\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'); }); }

function cards(d) {
  const box = $('cards');
  box.replaceChildren();
  const items = [['Functions', d.totals.functions], ['Entries', d.totals.entries], ['Size', bytes(d.totals.bytes)],
    ['Hit rate', rate(d.totals.hitRate)], ['Served without running', rate(d.totals.servedRate)], ['Calls', calls(d.totals)],
    ['Herd joins', d.totals.herdJoins]];
  for (const item of items) {
    const card = el('div', item[0], 'card muted');
    const value = el('b', item[1]);
    value.className = '';
    card.prepend(value);
    card.dataset.card = item[0];
    box.append(card);
  }
}

function chart(d) {
  const box = $('chart');
  box.replaceChildren();
  const width = box.clientWidth || 800, height = 220, left = 44, right = 44, top = 10, bottom = 24;
  box.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  const points = d.series.total;
  const max = Math.max(1, ...points.map(calls));
  const step = (width - left - right) / Math.max(1, points.length);
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  box.append(svg('line', { x1: left, x2: width - right, y1: y(0), y2: y(0), stroke: '#c5ccd4' }));
  box.append(Object.assign(svg('text', { x: left - 6, y: y(max) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#6b7480' }), { textContent: String(max) }));
  box.append(Object.assign(svg('text', { x: width - right + 6, y: top + 4, 'font-size': 11, fill: COLOR.rate }), { textContent: '100%' }));
  const line = [];
  points.forEach((p, i) => {
    const x = left + i * step + step * 0.1, w = Math.max(1, step * 0.8);
    let base = 0;
    for (const part of [['hits', COLOR.hits], ['staleHits', COLOR.staleHits], ['herdJoins', COLOR.herdJoins], ['misses', COLOR.misses]]) {
      const v = p[part[0]];
      if (v > 0) {
        const bar = svg('rect', { x: x, y: y(base + v), width: w, height: y(base) - y(base + v), fill: part[1] });
        bar.dataset.kind = part[0];
        const tip = svg('title', {});
        tip.textContent = new Date(d.series.at[i]).toLocaleString() + ': ' + v + ' ' + part[0];
        bar.append(tip);
        box.append(bar);
      }
      base += v;
    }
    const n = calls(p);
    if (n > 0) line.push([x + w / 2, top + (height - top - bottom) * (1 - (p.hits + p.staleHits) / n)]);
  });
  if (line.length > 0) {
    box.append(svg('polyline', { points: line.map((q) => q.join(',')).join(' '), fill: 'none', stroke: COLOR.rate, 'stroke-width': 2 }));
    for (const q of line) box.append(svg('circle', { cx: q[0], cy: q[1], r: 3, fill: COLOR.rate }));
  }
  const first = d.series.at[0], last = d.series.at[d.series.at.length - 1];
  for (const pair of [[first, left, 'start'], [last, width - right, 'end']]) {
    if (pair[0] === undefined) continue;
    const label = svg('text', { x: pair[1], y: height - 6, 'text-anchor': pair[2], 'font-size': 11, fill: '#6b7480' });
    label.textContent = new Date(pair[0]).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    box.append(label);
  }
}

function sparkline(counts) {
  const s = svg('svg', { width: 120, height: 24, viewBox: '0 0 120 24', class: 'spark' });
  const pts = [];
  counts.forEach((c, i) => {
    const n = calls(c);
    if (n > 0) pts.push([(i + 0.5) * 120 / counts.length, 22 - 20 * (c.hits + c.staleHits) / n]);
  });
  if (pts.length === 1) s.append(svg('circle', { cx: pts[0][0], cy: pts[0][1], r: 2.5, fill: COLOR.rate }));
  if (pts.length > 1) s.append(svg('polyline', { points: pts.map((q) => q.join(',')).join(' '), fill: 'none', stroke: COLOR.rate, 'stroke-width': 1.5 }));
  return s;
}

function functions(d) {
  const body = $('functions').tBodies[0];
  body.replaceChildren();
  $('no-functions').hidden = d.functions.length > 0;
  for (const f of d.functions) {
    const row = document.createElement('tr');
    row.dataset.fn = f.fn;
    row.append(el('td', f.fn), el('td', f.entries, 'num entries'), el('td', bytes(f.bytes), 'num'), el('td', f.versions.join(', ')),
      el('td', f.hits + f.staleHits, 'num'), el('td', f.misses, 'num'), el('td', f.herdJoins, 'num'), el('td', rate(f.hitRate), 'num rate'),
      el('td', rate(f.servedRate), 'num served'));
    const trend = el('td');
    trend.append(sparkline(d.series.byFn[f.fn] || []));
    row.append(trend);
    const action = el('td');
    if (f.entries > 0) {
      const button = el('button', 'Clear…', 'danger clear');
      button.addEventListener('click', () => ask('Remove all ' + f.entries + ' entries of ' + f.fn + '?', f.fn));
      action.append(button);
    }
    row.append(action);
    body.append(row);
  }
}

function expiring(d) {
  const body = $('expiring').tBodies[0];
  body.replaceChildren();
  $('no-expiring').hidden = d.expiring.length > 0;
  for (const e of d.expiring) {
    const row = document.createElement('tr');
    const key = el('td', printable(e.args), 'key');
    key.title = printable(e.key);
    row.append(el('td', e.fn), key, el('td', when(e.expiresAt, d.now)), el('td', bytes(e.size), 'num'));
    body.append(row);
  }
}

let pending;
function ask(text, fn) {
  pending = fn;
  $('confirm-text').textContent = text;
  $('confirm').showModal();
}
$('confirm').addEventListener('close', async () => {
  if ($('confirm').returnValue !== 'ok') { status('Nothing cleared.'); return; }
  const fn = pending;
  const res = await fetch('/api/clear', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Cachet-Token': token }, body: JSON.stringify({ fn: fn === undefined ? null : fn }) });
  if (!res.ok) { status('Clear failed: ' + (await res.text())); return; }
  const done = await res.json();
  status('Removed ' + done.removed + ' entries' + (fn === undefined ? '.' : ' of ' + fn + '.'));
  await refresh();
});
$('clear-all').addEventListener('click', () => ask('Remove all ' + (data ? data.totals.entries : '') + ' entries of every function?', undefined));
$('range').addEventListener('change', () => refresh());

function status(text) { $('status').textContent = text; }

async function refresh() {
  try {
    const res = await fetch('/api/overview?range=' + encodeURIComponent($('range').value));
    if (!res.ok) throw new Error(await res.text());
    data = await res.json();
    $('dir').textContent = data.dir;
    cards(data); chart(data); functions(data); expiring(data);
    document.body.dataset.updated = String(data.now);
  } catch (error) {
    status('Could not load: ' + error.message);
  }
}
refresh();
setInterval(refresh, 5000);
`;
