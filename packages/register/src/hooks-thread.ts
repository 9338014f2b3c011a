/**
 * The hooks on older Node (22.6 to 22.14 with type stripping; 20 and 22 with tsx):
 * `module.register` runs this module in the hooks thread, with the resolved options as `data`.
 */
import { importCore } from './core.js';
import { createLoader, isNotFound, type Loader } from './loader.js';
import type { RegisterOptionsResolved } from './options.js';

interface ResolveContext {
  readonly parentURL?: string | undefined;
}
interface LoadResult {
  readonly format?: string | null | undefined;
  readonly source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
}

let loader: Loader | undefined;

export async function initialize(options: RegisterOptionsResolved): Promise<void> {
  loader = createLoader(options, await importCore());
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  next: (specifier: string, context?: ResolveContext) => Promise<{ url: string }>,
): Promise<{ url: string }> {
  try {
    return await next(specifier, context);
  } catch (error) {
    const alternative = loader?.typeScriptAlternative(specifier, context.parentURL);
    if (alternative === undefined || !isNotFound(error)) throw error;
    return next(alternative, context);
  }
}

export async function load(
  url: string,
  context: object,
  next: (url: string, context?: object) => Promise<LoadResult>,
): Promise<LoadResult> {
  const loaded = await next(url, context);
  const code = loader?.load(url, loaded.source, loaded.format);
  return code === undefined ? loaded : { ...loaded, source: code };
}
