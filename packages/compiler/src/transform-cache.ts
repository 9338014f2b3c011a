/**
 * The persistent transform cache every front end shares: a transformed file's result on disk,
 * used again by the next build (or process) without loading TypeScript, as long as nothing that
 * shaped it changed.
 *
 * An entry is found by the file's name and used only when
 * - its key matches: the caller hashes everything besides the types that shapes the output (the
 *   file's code, the compiler's version, the resolved options, the tsconfig text, the TypeScript
 *   version), and
 * - every file whose declarations the analysis read (types in other files, `.d.ts` files of
 *   packages) still has the content it had then, compared by a hash of its bytes.
 * A stale, corrupt or foreign entry is a miss and is replaced. Entries are written to a temporary
 * file and renamed into place, so concurrent builds never see half an entry; deleting the
 * directory is always safe.
 *
 * This module loads nothing but Node's own modules (it is also `@cachet/compiler/transform-cache`),
 * so a front end can serve a warm start without loading the compiler or TypeScript.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Bumped when the entry layout changes: older entries are then foreign, and missed. */
const FORMAT = 1;

/** A persistent cache of transform results, keyed by input and checked against the files they used. */
export interface TransformCache<T> {
  /** The stored value for `fileName`, when its key matches and its dependencies are unchanged. */
  get(fileName: string, key: string): CachedTransform<T> | undefined;
  /** Stores a value; failures to write are reported once and otherwise ignored (nothing is lost). */
  set(fileName: string, key: string, dependencies: readonly string[], value: T): void;
  /** The content stamp of a file as `get` compares it (`-` when it cannot be read). */
  stamp(fileName: string): string;
  /** Forgets the stamps read so far: files may have changed (a new build, a watch event). */
  refresh(): void;
}

/** A stored result and the stamps of the files it depended on. */
export interface CachedTransform<T> {
  readonly value: T;
  /** The files whose content the value depends on, with the stamps they had. */
  readonly dependencies: ReadonlyMap<string, string>;
}

/** Where a transform cache lives and which files it need not stamp. */
export interface TransformCacheProps {
  /** The directory entries live in; created on the first write. */
  readonly dir: string;
  /**
   * Files never read for stamps, such as TypeScript's lib files served from memory: the caller
   * puts what decides them (the TypeScript version) into the key instead.
   */
  readonly unstamped?: (fileName: string) => boolean;
  /** Where a failure to write is reported, once. @default console.warn */
  readonly warn?: (message: string) => void;
}

interface StoredEntry {
  readonly format: number;
  readonly fileName: string;
  readonly key: string;
  readonly dependencies: readonly (readonly [string, string])[];
  readonly value: unknown;
}

/**
 * Writes `text` to `file` through a temporary file beside it and a rename, so a reader never sees
 * half of it (its directory made first). Returns the error when it could not be written, after
 * removing the temporary file.
 */
export function writeAtomically(file: string, text: string): Error | undefined {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
    return undefined;
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // there was nowhere to write it
    }
    return error as Error;
  }
}

/** A hash of text, for cache keys: base64url SHA-256. */
export function hashText(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('base64url');
}

/** Opens (or creates) the transform cache in `props.dir`. */
export function createTransformCache<T>(props: TransformCacheProps): TransformCache<T> {
  const { dir, unstamped = () => false, warn = (message: string) => console.warn(message) } = props;
  // One build reads each dependency once, however many tagged files share it.
  const stamps = new Map<string, string>();
  let warned = false;

  function stamp(fileName: string): string {
    if (unstamped(fileName)) return '';
    let value = stamps.get(fileName);
    if (value === undefined) {
      try {
        value = createHash('sha256').update(readFileSync(fileName)).digest('base64url');
      } catch {
        value = '-';
      }
      stamps.set(fileName, value);
    }
    return value;
  }

  const pathOf = (fileName: string): string => join(dir, `${hashText(fileName).slice(0, 32)}.json`);

  return {
    get(fileName, key) {
      let entry: StoredEntry;
      try {
        entry = JSON.parse(readFileSync(pathOf(fileName), 'utf8')) as StoredEntry;
      } catch {
        return undefined; // none yet, or unreadable: a miss
      }
      if (
        entry === null ||
        typeof entry !== 'object' ||
        entry.format !== FORMAT ||
        entry.fileName !== fileName ||
        entry.key !== key ||
        !Array.isArray(entry.dependencies)
      )
        return undefined;
      for (const dependency of entry.dependencies) {
        if (!Array.isArray(dependency) || stamp(String(dependency[0])) !== dependency[1]) return undefined;
      }
      return { value: entry.value as T, dependencies: new Map(entry.dependencies) };
    },
    set(fileName, key, dependencies, value) {
      const entry: StoredEntry = {
        format: FORMAT,
        fileName,
        key,
        dependencies: dependencies.map((file) => [file, stamp(file)] as const),
        value,
      };
      const error = writeAtomically(pathOf(fileName), JSON.stringify(entry));
      if (error !== undefined && !warned) {
        warned = true;
        warn(`cachet: cannot write the transform cache in ${dir} (${error.message}); builds go on without it`);
      }
    },
    stamp,
    refresh() {
      stamps.clear();
    },
  };
}

/**
 * What identifies the code that makes the cached results, for cache keys: for each given module
 * file, the version in its package.json and the newest modification time of the `.js` files in
 * its directory. A rebuilt compiler of the same version (as in a workspace) so never serves its
 * predecessor's output.
 */
export function codeStamp(moduleFiles: readonly string[]): string {
  return moduleFiles
    .map((file) => {
      const dir = dirname(file);
      return `${versionAt(dir)} ${newestMtime(dir)}`;
    })
    .join('\n');
}

function versionAt(dir: string): string {
  for (let current = dir; ; ) {
    const candidate = join(current, 'package.json');
    if (existsSync(candidate))
      return String((JSON.parse(readFileSync(candidate, 'utf8')) as { version?: unknown }).version);
    const parent = dirname(current);
    if (parent === current) return '?';
    current = parent;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.js'))
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
