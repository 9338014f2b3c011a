import type { ScopeStorage } from './scope/scope.js';
import type { Store } from './store.js';

/** What differs between Node and browser builds of the runtime, set once by the entry module. */
export interface Platform {
  readonly name: 'node' | 'browser';
  /** Storage used when neither the annotation nor `configure({ defaults })` names one. */
  readonly defaultStorage: string;
  createScopeStorage(): ScopeStorage;
  /** Built-in persistent stores by name (`sqlite`, `fs` on Node), created on first use. */
  readonly builtinStores: Readonly<Record<string, (settings: StoreSettings) => Store>>;
  /** The cache directory when neither `configure({ dir })` nor CACHET_DIR says. */
  defaultDir(): string;
  env(name: string): string | undefined;
  /** Runs `fn` synchronously when the process exits (nothing in browsers). */
  onExit(fn: () => void): void;
}

/** What built-in store factories are given. */
export interface StoreSettings {
  readonly dir: string;
  readonly now: () => number;
  /** Report a fault once (the runtime's logger). */
  readonly warn: (message: string, cause?: unknown) => void;
  /** Settings of the built-in `sqlite` and `fs` stores (`configure({ sqlite })`). */
  readonly sqlite?: SqliteSettings;
}

/** Resolved `configure({ sqlite })`: what the built-in SQLite and blob-file stores are opened with. */
export interface SqliteSettings {
  readonly maxBytes?: number;
  readonly inlineLimit?: number;
  readonly busyTimeout?: number;
  /** The SQLite binding (`better-sqlite3`, `node:sqlite`, or `auto`); unset: CACHET_SQLITE, else auto. */
  readonly driver?: 'better-sqlite3' | 'node:sqlite' | 'auto';
}

let current: Platform | undefined;

export function setPlatform(platform: Platform): void {
  current ??= platform;
}

export function platform(): Platform {
  if (current === undefined) throw new Error('@cachet/runtime was loaded without a platform entry');
  return current;
}
