/**
 * webpack and Rspack run the loaders of a module from the last matching rule to the first. unplugin
 * adds Cachet's transform rule first, so Cachet ran after every other `enforce: 'pre'` loader: a
 * TypeScript loader marked `pre` handed it JavaScript. Moving the rule last makes Cachet's loader the
 * first to run, whatever `enforce` the project's TypeScript loader has.
 */

/** The part of webpack's and Rspack's compiler this needs. */
export interface RulesHolder {
  readonly options: { readonly module: { rules: unknown[] } };
}

/** Call from the plugin's `webpack`/`rspack` hook, which unplugin calls right after adding the rule. */
export function runCachetLoaderFirst(compiler: RulesHolder): void {
  const rules = compiler.options.module.rules;
  const added = rules[0] as { enforce?: string; use?: unknown } | undefined;
  if (added?.enforce !== 'pre' || typeof added.use !== 'function') {
    throw new Error('unplugin-cachet: the transform rule unplugin adds was not found first in module.rules');
  }
  rules.push(rules.shift());
}
