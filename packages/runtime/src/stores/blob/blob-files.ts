import { hash as digest, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { xxh64Bytes } from '../../key/xxh64.js';

/**
 * Blob names: 16 hex digits drawn at random for each write, a dash, and the 16 hex digits of the
 * xxh64 of the file's bytes (the check a read makes).
 */
const BLOB_NAME = /^[0-9a-f]{16}-[0-9a-f]{16}$/;
/** Names earlier versions wrote: the first 128 bits of the SHA-256 of the bytes (still read and checked). */
const SHA256_NAME = /^[0-9a-f]{32}$/;
const TEMP_DIR = 'tmp';

/** Random bytes drawn in bulk: a blob write takes 8 of them. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomHex8(): string {
  if (poolAt + 8 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  poolAt += 8;
  return pool.toString('hex', poolAt - 8, poolAt);
}

/** The 16 hex digits of the unsigned xxh64 of `bytes`. */
function checkOf(bytes: Uint8Array): string {
  return BigInt.asUintN(64, xxh64Bytes(bytes)).toString(16).padStart(16, '0');
}

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
 * The blob directory: one file per write, fanned out by the name's first two hex digits
 * (`ab/ab12...`). A name is 64 random bits and the xxh64 of the bytes: never derived from user
 * text, so no key can reach a path outside this directory, and new for every write, so two
 * entries never share a file (unless both the random part and the bytes' hash agree, which takes
 * a 2^-64 draw on top of a hash collision). A file is written under `tmp/` first and renamed into
 * place, so a named file is either absent or complete; reads check the bytes against the hash
 * in the name, so a file damaged afterwards (a byte changed, truncated, overwritten) is found
 * out, never decoded. xxh64 detects damage as a cryptographic hash would; it only has to tell a
 * file from its own damaged copy, never one value from another, since names are not shared.
 */
export class BlobFiles {
  constructor(readonly dir: string) {}

  /** A new name for a file holding `bytes`. */
  static nameFor(bytes: Uint8Array): string {
    return `${randomHex8()}-${checkOf(bytes)}`;
  }

  /** Writes `bytes` to a new temporary file. Call `place` inside the transaction that commits the row. */
  stage(bytes: Uint8Array): StagedBlob {
    const name = BlobFiles.nameFor(bytes);
    const temp = join(this.dir, TEMP_DIR, `${process.pid}-${name.slice(0, 16)}.tmp`);
    try {
      writeFileSync(temp, bytes);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      mkdirSync(join(this.dir, TEMP_DIR), { recursive: true });
      writeFileSync(temp, bytes);
    }
    return { name, temp, size: bytes.byteLength };
  }

  /** Renames a staged file to its name (replacing a file of the same bytes, if one is there). */
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
    if (!matches(name, bytes)) throw new BlobMissingError(`blob ${name} does not match its content`);
    return bytes;
  }

  /** Deletes blob `name`; a file already gone is fine. */
  remove(name: string): void {
    rmSync(this.path(name), { force: true });
  }

  /** Blob files and temporaries last modified before `before` (ms since the epoch). */
  list(before: number): BlobListing {
    const old: string[] = [];
    const staleTemps: string[] = [];
    for (const fan of readdirOrEmpty(this.dir)) {
      const folder = join(this.dir, fan);
      for (const file of readdirOrEmpty(folder)) {
        const path = join(folder, file);
        if (fan === TEMP_DIR) {
          if (modifiedBefore(path, before)) staleTemps.push(path);
        } else if (isBlobName(file) && file.startsWith(fan) && modifiedBefore(path, before)) {
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
    if (!isBlobName(name)) throw new BlobMissingError(`"${name}" is not a blob name`);
    return join(this.dir, name.slice(0, 2), name);
  }
}

function isBlobName(name: string): boolean {
  return BLOB_NAME.test(name) || SHA256_NAME.test(name);
}

/** True when `bytes` hash to what `name` says. */
function matches(name: string, bytes: Uint8Array): boolean {
  if (name.length === 33) return checkOf(bytes) === name.slice(17);
  return digest('sha256', bytes, 'hex').slice(0, 32) === name;
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
