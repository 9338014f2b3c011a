/**
 * The bundler-independent core, for front ends that are not bundler plugins (`@cachet/register`):
 * the same compiler, TypeScript and language services as the plugin, nothing from unplugin.
 */
export { type Cachet, createCachet, type Outcome, VERSION } from './core/cachet.js';
export { type Options, type OptionsResolved, resolveOptions } from './core/options.js';
export { type Analyser, type AnalyserSource, analyserSource } from './core/typescript.js';
