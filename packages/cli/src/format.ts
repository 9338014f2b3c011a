/** Text formatting for terminal output: sizes, times, tables. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** `0.8765` → `87.7%`; null → `-`. */
export function formatRate(rate: number | null): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(1)}%`;
}

/** A span of ms as its largest units: `3d 4h`, `12m`, `45s`, `250ms`. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)}ms`;
  const parts: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  const out: string[] = [];
  let rest = abs;
  for (const [size, unit] of parts) {
    if (rest >= size && out.length < 2) {
      out.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (out.length > 0) break;
  }
  return out.join(' ');
}

/** A time relative to `now`: `5m ago`, `in 2h`, or `never` for null (forever). */
export function formatWhen(time: number | null, now: number): string {
  if (time === null) return 'never';
  return time <= now ? `${formatSpan(now - time)} ago` : `in ${formatSpan(time - now)}`;
}

/** Key text for a terminal: control characters (the NUL separators) escaped, long text cut with `…`. */
export function printable(text: string, max: number = Number.POSITIVE_INFINITY): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
  const safe = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/** Columns: `right` aligns numbers. */
export interface Column {
  readonly title: string;
  readonly right?: boolean;
}

/** A plain-text table with a header line. */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (columns[i]?.right ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((c) => c.title)), ...rows.map(line)].join('\n')}\n`;
}

/** Pretty JSON with a final newline (every `--json` output). */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
