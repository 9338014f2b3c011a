/**
 * The key helper modules tagged files import (see the compiler's generate/share.ts), as files in
 * `helpers/` under the plugin's cache directory: plain JavaScript modules (`.mjs`, with their
 * declarations in `.d.mts` for loaders that type-check) every bundler resolves and reads like any
 * other file, with no hooks of the plugin's. Each is named by a hash of its
 * text, so a name never stands for two texts: builds and processes writing the same module write
 * the same bytes (each through a temporary file and a rename), and any of them may be deleted with
 * the rest of the cache: the next build writes again what its outputs import.
 *
 * A module is written when the output that imports it is compiled. The transform cache stores the
 * names of the modules with the output, and an output whose modules are gone is not used (the file
 * is compiled again, which writes them); each name is looked for once per build.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import type { HelperModule } from '@cachet/compiler';
import { writeAtomically } from '@cachet/compiler/transform-cache';

export interface HelperFiles {
  /** The directory the modules are written to. */
  readonly dir: string;
  /** Where `fileName` imports them from: a relative specifier prefix ending in `/`. */
  specifierFor(fileName: string): string;
  /**
   * Writes the modules an output imports that are not on disk yet. False when one cannot be
   * written: the output must then keep its helpers (the transform cache, in the same directory,
   * warns once that it cannot write there).
   */
  write(modules: readonly HelperModule[]): boolean;
  /** Whether every module of `names` is on disk. */
  has(names: readonly string[]): boolean;
  /** A build starts: look again for every module (the directory may have been deleted). */
  buildStart(): void;
}

export function createHelperFiles(dir: string): HelperFiles {
  const seen = new Set<string>();
  return {
    dir,
    specifierFor(fileName) {
      const path = relative(dirname(fileName), dir).replace(/\\/g, '/');
      // Another drive on Windows: the directory's own path.
      return `${path === '..' || path.startsWith('../') || isAbsolute(path) ? '' : './'}${path}/`;
    },
    write(modules) {
      for (const module of modules) {
        if (seen.has(module.name)) continue;
        const file = `${dir}/${module.name}`;
        // The declarations first: a module on disk always has its types beside it.
        const types = file.replace(/\.mjs$/, '.d.mts');
        const written = () =>
          writeAtomically(types, module.types) === undefined && writeAtomically(file, module.code) === undefined;
        if (!existsSync(file) && !written()) return false;
        seen.add(module.name);
      }
      return true;
    },
    has(names) {
      for (const name of names) {
        if (seen.has(name)) continue;
        if (!existsSync(`${dir}/${name}`)) return false;
        seen.add(name);
      }
      return true;
    },
    buildStart() {
      seen.clear();
    },
  };
}
