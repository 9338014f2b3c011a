/**
 * The compiler side (the plugin core, the compiler, and through them TypeScript), loaded only when
 * a file misses the transform cache: a warm start never loads it.
 */
import { createRequire } from 'node:module';

export interface Core {
  readonly plugin: typeof import('unplugin-cachet/core');
  readonly compiler: typeof import('@cachet/compiler');
}

/** Returns the core, loading it at the first call. */
export type LoadCore = () => Core;

/** Loads with `require` of ES modules (Node 20.19+, 22.12+): for the synchronous hooks. */
export function lazyCore(): LoadCore {
  let core: Core | undefined;
  return () => {
    const require = createRequire(import.meta.url);
    core ??= { plugin: require('unplugin-cachet/core'), compiler: require('@cachet/compiler') };
    return core;
  };
}

/** Imports up front: for the hooks thread, where `require` of ES modules may be missing. */
export async function importCore(): Promise<LoadCore> {
  const [plugin, compiler] = await Promise.all([import('unplugin-cachet/core'), import('@cachet/compiler')]);
  const core: Core = { plugin, compiler };
  return () => core;
}
