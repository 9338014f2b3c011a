import { hash as digest, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Content names are 32 lowercase hex digits (128 bits of SHA-256 of the encoded bytes). */
const CONTENT_NAME = /^[0-9a-f]{32}$/;
const TEMP_DIR = 'tmp';

/** A blob file that no longer holds what its name says (missing, truncated, overwritten). */
export class BlobMissingError extends Error {
  override readonly name = 'BlobMissingError';
}

/** A blob written to a temporary file, waiting to be renamed into place before its row commits. */
export interface StagedBlob {
  readonly name: string;
  readonly temp: string;
  readonly size: number;
}

/** What gc found in the blob directory. */
export interface BlobListing {
  /** Content files older than the grace period, by name. */
  readonly old: readonly string[];
  /** Temporary files older than the grace period, by path. */
  readonly staleTemps: readonly string[];
}

/**
 * The blob directory: one file per distinct encoded value, named by the hash of its bytes and
 * fanned out by the first two hex digits (`ab/abcd...`). A name is never derived from user text,
 * so no key can reach a path outside this directory. A file is written under `tmp/` first and
 * renamed into place, so a content file is either absent or complete; reads check the bytes
 * against the name, so a file damaged afterwards is found out, never decoded.
 */
export class BlobFiles {
  constructor(readonly dir: string) {}

  /** The content name of `bytes`. */
  static nameOf(bytes: Uint8Array): string {
    return digest('sha256', bytes, 'hex').slice(0, 32);
  }

  /** Writes `bytes` to a new temporary file. Call `place` inside the transaction that commits the row. */
  stage(bytes: Uint8Array): StagedBlob {
    const name = BlobFiles.nameOf(bytes);
    const temp = join(this.dir, TEMP_DIR, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
    try {
      writeFileSync(temp, bytes);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      mkdirSync(join(this.dir, TEMP_DIR), { recursive: true });
      writeFileSync(temp, bytes);
    }
    return { name, temp, size: bytes.byteLength };
  }

  /** Renames a staged file to its content name (replacing an identical file, if one is there). */
  place(staged: StagedBlob): void {
    const target = this.path(staged.name);
    try {
      renameSync(staged.temp, target);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      mkdirSync(join(this.dir, staged.name.slice(0, 2)), { recursive: true });
      renameSync(staged.temp, target);
    }
  }

  /** Removes a staged file that will not be placed (its transaction failed). */
  discard(staged: StagedBlob): void {
    rmSync(staged.temp, { force: true });
  }

  /** The bytes of blob `name`; throws `BlobMissingError` when the file is gone or damaged. */
  read(name: string): Buffer {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path(name));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new BlobMissingError(`blob ${name} is missing`, { cause: error });
      throw error;
    }
    if (BlobFiles.nameOf(bytes) !== name) throw new BlobMissingError(`blob ${name} does not match its content`);
    return bytes;
  }

  /** Deletes blob `name`; a file already gone is fine. */
  remove(name: string): void {
    rmSync(this.path(name), { force: true });
  }

  /** Content files and temporaries last modified before `before` (ms since the epoch). */
  list(before: number): BlobListing {
    const old: string[] = [];
    const staleTemps: string[] = [];
    for (const fan of readdirOrEmpty(this.dir)) {
      const folder = join(this.dir, fan);
      for (const file of readdirOrEmpty(folder)) {
        const path = join(folder, file);
        if (fan === TEMP_DIR) {
          if (modifiedBefore(path, before)) staleTemps.push(path);
        } else if (CONTENT_NAME.test(file) && file.startsWith(fan) && modifiedBefore(path, before)) {
          old.push(file);
        }
      }
    }
    return { old, staleTemps };
  }

  /** Deletes a stale temporary file found by `list`. */
  removeTemp(path: string): void {
    rmSync(path, { force: true });
  }

  private path(name: string): string {
    if (!CONTENT_NAME.test(name)) throw new BlobMissingError(`"${name}" is not a blob name`);
    return join(this.dir, name.slice(0, 2), name);
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return [];
    throw error;
  }
}

function modifiedBefore(path: string, before: number): boolean {
  try {
    return statSync(path).mtimeMs < before;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false; // removed meanwhile
    throw error;
  }
}

/** True when `error` is a Node system error with errno code `code`. */
export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
