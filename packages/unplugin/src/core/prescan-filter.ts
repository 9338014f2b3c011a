/**
 * esbuild's `onLoad` filter from a prescan (`prescan.ts`): the paths that must cross from esbuild
 * to the plugin. A path crosses when it is
 * - a tagged file the scan found (the exact path),
 * - outside the scanned root (a linked workspace package, a file above the working directory):
 *   the scan cannot speak for it, so the plugin reads it as before,
 * - under a directory the walk skips (`node_modules`, dot-directories) or could not read, or a
 *   symbolic link esbuild keeps the path of.
 * Every other path under the root is a file the scan saw without the tag: it stays in esbuild.
 *
 * esbuild runs the filter with Go's regexp package, which has no lookahead, so "does not start with
 * the root" is spelled out: a first character other than the root's first, or that character and
 * then a second other than its second, and so on. The pattern is written in the syntax both Go and
 * JavaScript read the same way (classes, alternation, `[\s\S]`; no flags but `i`), so tests can run
 * it in either. Paths compare case-insensitively where the file system usually does (macOS,
 * Windows), and on Windows `/` and `\` are both separators.
 */
import type { Scan } from './prescan.js';

export interface FilterProps {
  /** The scanned root, as `Scan`'s paths start. */
  readonly root: string;
  readonly scan: Scan;
  /**
   * Whether a file the scan does not speak for must also be TypeScript by its name to cross (the
   * default `include`), so that a JavaScript file in `node_modules` stays in esbuild; otherwise
   * any such file crosses.
   */
  readonly typescriptOnly: boolean;
  readonly platform: NodeJS.Platform;
}

/** What the default `include` takes, as a pattern at the end of a path, and each ending it takes. */
const TYPESCRIPT = '\\.[cm]?tsx?$';
const TYPESCRIPT_ENDINGS = ['.ts', '.tsx', '.mts', '.mtsx', '.cts', '.ctsx'];
const ANY = '[\\s\\S]*';
const META = /[\\^$.|?*+()[\]{}]/;
const CLASS_META = /[\\\]^[-]/;

export function prescanFilter(props: FilterProps): RegExp {
  const { root, scan, typescriptOnly, platform } = props;
  const windows = platform === 'win32';
  const isSeparator = (c: string): boolean => c === '/' || (windows && c === '\\');
  const SEP = windows ? '[\\\\/]' : '/';
  const NOT_SEP = windows ? '[^\\\\/]' : '[^/]';
  const literal = (text: string): string =>
    [...text].map((c) => (isSeparator(c) ? SEP : META.test(c) ? `\\${c}` : c)).join('');
  const other = (c: string): string => (isSeparator(c) ? NOT_SEP : `[^${CLASS_META.test(c) ? `\\${c}` : c}]`);
  const ext = typescriptOnly ? TYPESCRIPT : '';

  const base = isSeparator(root.at(-1) ?? '') ? root : `${root}${windows ? '\\' : '/'}`;
  const chars = [...base];
  // Does not start with `base`, nested from the last character out: after the characters of
  // `base` so far, one that differs, then (for TypeScript only) anything ending in an extension;
  // or the extension itself where it starts with a character that differs.
  let notBase = '';
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i] as string;
    const differs = typescriptOnly ? [`${other(c)}${ANY}${ext}`, ...(c === '.' ? [] : [ext])] : [other(c)];
    notBase = [...differs, ...(notBase === '' ? [] : [`${literal(c)}(?:${notBase})`])].join('|');
  }
  const parts = [`^(?:${notBase})`];
  // Whole paths that end inside `base` (`/app/lib.ts` beside a root `/app/lib.tsx-src/`), or whose
  // extension starts at a dot of `base` and differs from it after.
  const ends = typescriptOnly
    ? chars.flatMap((c, at) => (c === '.' ? TYPESCRIPT_ENDINGS.map((e) => chars.slice(0, at).join('') + e) : []))
    : chars.map((_, at) => chars.slice(0, at + 1).join(''));
  for (const end of new Set(ends)) if (!end.startsWith(base)) parts.push(`^${literal(end)}$`);
  parts.push(`^${literal(base)}(?:${ANY}${SEP})?(?:node_modules|\\.${NOT_SEP}*)${SEP}${ANY}${ext}`);
  for (const path of [...scan.unreadable, ...scan.links]) parts.push(`^${literal(path)}(?:${SEP}${ANY})?$`);
  if (scan.tagged.size > 0) {
    const names = [...scan.tagged].map((file) => literal(file.slice(base.length)));
    parts.push(`^${literal(base)}(?:${names.join('|')})$`);
  }
  return new RegExp(parts.join('|'), platform === 'win32' || platform === 'darwin' ? 'i' : '');
}
