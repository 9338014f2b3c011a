/**
 * Which files under a root hold `@cached`, known before esbuild asks for any of them. esbuild's
 * `onLoad` filters see paths only, so without this every TypeScript file of a build crosses from
 * esbuild to Node for Cachet to look at its text; with it, the filter names the tagged files
 * (`prescan-filter.ts`) and the others never cross.
 *
 * The walk skips `node_modules` and directories whose name starts with a dot (the filter lets every
 * file in them cross, as before). Files the plugin's `include`/`exclude` accept are read when they
 * are not in the index or their size, modification or change time moved; the index lives in the
 * plugin's cache directory. An entry is kept only when the file had not changed for two seconds
 * before the scan started (`SETTLED_MS`): a file edited in the same tick of the file system's clock
 * as it was read could keep its times, so such a file is read again by the next scan. A corrupt or
 * foreign index is ignored and replaced; it is written to a temporary file and renamed into place.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { writeAtomically } from '@cachet/compiler/transform-cache';

/** Bumped when the index layout or what counts as tagged changes: older indexes are then foreign. */
const FORMAT = 1;
const TAG = '@cached';
/** How long a file must have been left alone for its times to vouch for its text (FAT's 2 s tick). */
const SETTLED_MS = 2000;

/** What the walk found. Paths are the file system's (native separators), under `root`. */
export interface Scan {
  /** Files the plugin would compile: accepted by `include`/`exclude`, holding `@cached`. */
  readonly tagged: ReadonlySet<string>;
  /** Files and directories the walk could not read: everything at or under them must cross. */
  readonly unreadable: readonly string[];
  /**
   * Symbolic links, when esbuild reports files by the path through them (`preserveSymlinks`):
   * everything at or under them must cross. Otherwise esbuild reports their real paths, which the
   * walk reaches directly or which lie outside the root, and links are passed over.
   */
  readonly links: readonly string[];
}

export interface PrescanProps {
  /** The directory walked: a real path (no symbolic links), as esbuild reports the files in it. */
  readonly root: string;
  /** Whether the plugin takes a file (its `include`/`exclude`), by its native path. */
  readonly accepts: (fileName: string) => boolean;
  /** Where the index is kept; undefined for none (every scan reads every accepted file). */
  readonly indexFile: string | undefined;
  /**
   * Whether esbuild reports files by the path through a symbolic link (`preserveSymlinks`). If not,
   * it reports their real path, which the walk reaches directly or which lies outside the root.
   */
  readonly keepsSymlinks: boolean;
  /** The clock, in ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

export interface Prescan {
  /** Walks the root. */
  scan(): Scan;
  /**
   * Walks the root, or returns undefined when it holds more than `limit` directory entries (a root
   * far larger than any build, such as a home directory).
   */
  scan(limit: number): Scan | undefined;
  /** Files read so far (their text searched for the tag), for tests. */
  readonly counts: { read: number; indexWrites: number };
}

/** An index entry: size, modification and change time, and whether the text holds the tag. */
type Entry = readonly [size: number, mtimeMs: number, ctimeMs: number, tagged: boolean];

interface StoredIndex {
  readonly format: number;
  readonly root: string;
  /** By path relative to the root. */
  readonly files: Record<string, Entry>;
}

export function createPrescan(props: PrescanProps): Prescan {
  const { root, accepts, indexFile, keepsSymlinks, now = Date.now } = props;
  // Paths are built by concatenation: `path.join` normalises each one, which cost more than the
  // `stat` of the file on a 5000-file walk.
  const base = root.endsWith(sep) ? root : `${root}${sep}`;
  const counts = { read: 0, indexWrites: 0 };
  /** Settled entries by path relative to the root: the index, then what each scan found. */
  let known: Readonly<Record<string, unknown>> | undefined;
  let warned = false;

  function scan(limit?: number): Scan | undefined {
    known ??= readIndex(indexFile, root);
    const started = now();
    const walked: Walk = {
      base,
      accepts,
      keepsSymlinks,
      files: [],
      unreadable: [],
      links: [],
      limit: limit ?? Number.POSITIVE_INFINITY,
      seen: 0,
    };
    if (!walk('', walked)) return undefined;
    const tagged = new Set<string>();
    const settled: Record<string, Entry> = Object.create(null);
    let changed = false;
    let count = 0;
    for (const name of walked.files) {
      const before = Object.hasOwn(known, name) ? known[name] : undefined;
      const entry = look(base + name, before);
      if (entry === undefined) {
        walked.unreadable.push(base + name); // gone or unreadable since the walk: esbuild reports it if it asks
        continue;
      }
      if (entry[3]) tagged.add(base + name);
      if (isSettled(entry, started)) {
        settled[name] = entry;
        count++;
        changed ||= entry !== before;
      }
    }
    if (changed || count !== Object.keys(known).length) {
      known = settled;
      save(settled);
    }
    return { tagged, unreadable: walked.unreadable, links: walked.links };
  }

  /**
   * The entry of `file` now: the index's (anything read from disk, checked here) when the file's
   * times vouch for it, else read.
   */
  function look(file: string, known: unknown): Entry | undefined {
    let stats: { size: number; mtimeMs: number; ctimeMs: number } | undefined;
    try {
      stats = statSync(file);
    } catch {
      return undefined;
    }
    if (isEntryOf(known, stats)) return known;
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch {
      return undefined;
    }
    counts.read++;
    // The tag is ASCII: its bytes are in the file exactly when its UTF-8 text holds it. The times
    // were read before the text: a change in between leaves them newer than the scan's start.
    return [stats.size, stats.mtimeMs, stats.ctimeMs, text.includes(TAG)];
  }

  function save(files: Readonly<Record<string, Entry>>): void {
    if (indexFile === undefined) return;
    const stored: StoredIndex = { format: FORMAT, root, files };
    const error = writeAtomically(indexFile, JSON.stringify(stored));
    if (error === undefined) counts.indexWrites++;
    else if (!warned) {
      warned = true;
      console.warn(
        `cachet: cannot write the prescan index ${indexFile} (${error.message}); each build reads every file again`,
      );
    }
  }

  return { scan: scan as Prescan['scan'], counts };
}

/** An entry whose times are older than the scan by more than a tick of any file system's clock. */
function isSettled(entry: Entry, started: number): boolean {
  return entry[1] < started - SETTLED_MS && entry[2] < started - SETTLED_MS;
}

/**
 * The entries of the index by relative path, or none when it is missing, corrupt, or another
 * root's. Each entry is checked where it is used (`isEntryOf`): a bad one is a file to read.
 */
function readIndex(indexFile: string | undefined, root: string): Readonly<Record<string, unknown>> {
  const none = {};
  if (indexFile === undefined) return none;
  let stored: StoredIndex;
  try {
    stored = JSON.parse(readFileSync(indexFile, 'utf8')) as StoredIndex;
  } catch {
    return none; // none yet, or unreadable: every file is read
  }
  if (typeof stored !== 'object' || stored === null || stored.format !== FORMAT || stored.root !== root) return none;
  return typeof stored.files === 'object' && stored.files !== null && !Array.isArray(stored.files)
    ? stored.files
    : none;
}

/** Whether `value` is an index entry with the given size and times. */
function isEntryOf(value: unknown, stats: { size: number; mtimeMs: number; ctimeMs: number }): value is Entry {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value[0] === stats.size &&
    value[1] === stats.mtimeMs &&
    value[2] === stats.ctimeMs &&
    typeof value[3] === 'boolean'
  );
}

interface Walk {
  /** The root, ending in a separator. */
  readonly base: string;
  readonly accepts: (fileName: string) => boolean;
  readonly keepsSymlinks: boolean;
  /** Accepted files, relative to the root. */
  readonly files: string[];
  readonly unreadable: string[];
  readonly links: string[];
  readonly limit: number;
  /** Directory entries seen so far. */
  seen: number;
}

/** Collects the accepted files under `dir` (relative); false when there are more than `walk.limit`. */
function walk(dir: string, state: Walk): boolean {
  let entries: Dirent[];
  try {
    entries = readdirSync(state.base + dir, { withFileTypes: true });
  } catch {
    state.unreadable.push(dir === '' ? state.base : state.base + dir);
    return true;
  }
  state.seen += entries.length;
  if (state.seen > state.limit) return false;
  for (const entry of entries) {
    const name = dir === '' ? entry.name : `${dir}${sep}${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue; // the filter lets these cross
      if (!walk(name, state)) return false;
    } else if (entry.isSymbolicLink()) {
      if (state.keepsSymlinks) state.links.push(state.base + name);
    } else if (entry.isFile() && state.accepts(state.base + name)) {
      state.files.push(name);
    }
  }
  return true;
}
