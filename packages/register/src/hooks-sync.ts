/**
 * The hooks on Node 22.15+, 23.5+, 24 and 26: `module.registerHooks`, synchronous and in the
 * loading thread, for `import` and `require` alike. (`module.register` is deprecated on Node 26.)
 */
import { lazyCore } from './core.js';
import { createLoader, isNotFound } from './loader.js';
import type { RegisterOptionsResolved } from './options.js';

/** The part of Node's synchronous hook API used here (newer than the @types/node in use). */
export interface SyncHooksApi {
  registerHooks(hooks: {
    resolve(specifier: string, context: ResolveContext, next: NextResolve): ResolveResult;
    load(url: string, context: LoadContext, next: NextLoad): LoadResult;
  }): unknown;
}
interface ResolveContext {
  readonly parentURL?: string | undefined;
}
interface ResolveResult {
  readonly url: string;
}
type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;
interface LoadContext {
  readonly format?: string | undefined;
}
interface LoadResult {
  readonly format?: string | null | undefined;
  readonly source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
  readonly shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: LoadContext) => LoadResult;

export function registerSyncHooks(api: SyncHooksApi, options: RegisterOptionsResolved): void {
  const loader = createLoader(options, lazyCore());
  api.registerHooks({
    resolve(specifier, context, next) {
      try {
        return next(specifier, context);
      } catch (error) {
        const alternative = loader.typeScriptAlternative(specifier, context.parentURL);
        if (alternative === undefined || !isNotFound(error)) throw error;
        return next(alternative, context);
      }
    },
    load(url, context, next) {
      const loaded = next(url, context);
      const code = loader.load(url, loaded.source, loaded.format);
      return code === undefined ? loaded : { ...loaded, source: code };
    },
  });
}
