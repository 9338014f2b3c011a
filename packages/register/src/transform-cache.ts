/**
 * The persistent transform cache: one JSON file per (file, content, options, compiler) under the
 * cache directory. An entry also records every input the compilation read besides the file
 * itself (the files whose types shaped it, the tsconfig and the configs it extends) with a hash
 * of each; a hit re-hashes them, so an edited type in another file is never served stale. A
 * missing, corrupt or foreign entry is a miss; writes are atomic (a temporary file renamed), so
 * concurrent processes never read half an entry; deleting the directory is always safe.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CachetDiagnostic } from '@cachet/compiler';

/** What a transform produced. */
export interface TransformOutput {
  /** The rewritten source; undefined when the file is unchanged (only diagnostics). */
  readonly code: string | undefined;
  readonly diagnostics: readonly CachetDiagnostic[];
}

export interface TransformCache {
  /** The stored output for this key, if every input it read is unchanged. */
  get(key: string): TransformOutput | undefined;
  /** Stores an output with the files it read (absolute paths). */
  set(key: string, output: TransformOutput, inputs: readonly string[]): void;
}

const FORMAT = 'cachet-register-transform-1';

interface Entry extends TransformOutput {
  readonly format: typeof FORMAT;
  readonly key: string;
  /** Each input file with the hash of its content (`-` when it did not exist). */
  readonly inputs: readonly (readonly [string, string])[];
}

/** A cache key: everything that shapes the output besides the other files it reads. */
export function transformKey(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

export function createTransformCache(dir: string): TransformCache {
  let warned = false;
  const pathOf = (key: string): string => join(dir, key.slice(0, 2), `${key}.json`);
  return {
    get(key) {
      const entry = readEntry(pathOf(key));
      if (entry === undefined || entry.key !== key) return undefined;
      for (const [file, hash] of entry.inputs) if (hashFile(file) !== hash) return undefined;
      return { code: entry.code ?? undefined, diagnostics: entry.diagnostics };
    },
    set(key, output, inputs) {
      const entry: Entry = {
        format: FORMAT,
        key,
        code: output.code,
        diagnostics: output.diagnostics,
        inputs: [...new Set(inputs)].map((file) => [file, hashFile(file)] as const),
      };
      const file = pathOf(key);
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      let written = false;
      try {
        mkdirSync(join(dir, key.slice(0, 2)), { recursive: true });
        writeFileSync(temporary, JSON.stringify(entry));
        written = true;
        renameSync(temporary, file);
      } catch (error) {
        // A cache that cannot be written costs the next start its analysis, nothing else.
        if (written) rmSync(temporary, { force: true });
        if (!warned) process.emitWarning(`@cachet/register: cannot write the transform cache in ${dir}: ${error}`);
        warned = true;
      }
    },
  };
}

function readEntry(file: string): Entry | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // not cached yet
  }
  try {
    const entry = JSON.parse(text) as Partial<Entry>;
    const valid =
      entry.format === FORMAT &&
      typeof entry.key === 'string' &&
      (entry.code === undefined || entry.code === null || typeof entry.code === 'string') &&
      Array.isArray(entry.diagnostics) &&
      Array.isArray(entry.inputs);
    return valid ? (entry as Entry) : undefined;
  } catch {
    return undefined; // corrupt: recompiled and overwritten
  }
}

function hashFile(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return '-';
  }
}
