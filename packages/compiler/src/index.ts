/**
 * @cachet/compiler: finds `@cached` functions, derives key encoders from their parameter types,
 * and rewrites the source to call `@cachet/runtime`. Front ends: `@cachet/compiler/ts-patch`
 * (tsc) and `unplugin-cachet` (bundlers), both through `createCompiler`.
 */
export type { Annotation } from './annotation.js';
export { parseAnnotation } from './annotation.js';
export { buildOptions } from './build-options.js';
export type { CachetDiagnostic, DiagnosticCode } from './diagnostics.js';
export { codeFrame, codes, formatFinding, formatMessage } from './diagnostics.js';
export type { HelperModule } from './generate/share.js';
export type {
  AnnotationDefaults,
  CachetOptions,
  ResolvedOptions,
  WarningCode,
  WarningLevel,
  WarningPolicy,
} from './options.js';
export { resolveOptions } from './options.js';
export type { CachedFunctionPlan, KeyNode, KeyPlan, ParamKey } from './plan.js';
export type { CachetCompiler, CompilerProps, TransformProps, TransformResult } from './transform.js';
export { createCompiler } from './transform.js';
export type { CachedTransform, TransformCache, TransformCacheProps } from './transform-cache.js';
export { codeStamp, createTransformCache, hashText, writeAtomically } from './transform-cache.js';
