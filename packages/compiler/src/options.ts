/**
 * Options of the compiler, declared once in `build-options.ts` for every build front end (the
 * tsconfig entry, the bundler plugin, `register()`), resolved here once: nothing reads raw
 * options afterwards.
 */
import { CachetOptionError, checkOptions, type FrontEnd, type OptionsOf } from '@cachet/runtime/options';
import { buildOptions } from './build-options.js';
import { type CachetDiagnostic, type DiagnosticCode, warningCodes } from './diagnostics.js';

/** What a warning does: printed (`warn`), failing the build (`error`), or not reported (`off`). */
export type WarningLevel = 'warn' | 'error' | 'off';

/** The codes of warnings, such as `CACHET_W_REFLECTIVE`. */
export type WarningCode = Extract<DiagnosticCode, `CACHET_W_${string}`>;

/** The options of the compiler: those of the tsconfig entry. */
export type CachetOptions = OptionsOf<typeof buildOptions, 'tsconfig'>;

/** One level for every warning, or levels per code with a `default` for the rest. */
export type WarningPolicy = NonNullable<CachetOptions['warnings']>;

/** Build-wide defaults for what an annotation leaves out (the `defaults` option). */
export type AnnotationDefaults = NonNullable<CachetOptions['defaults']>;

/** `CachetOptions` with every default applied (`resolveOptions`). */
export interface ResolvedOptions {
  readonly verify: boolean;
  readonly runtimeModule: string;
  readonly defaults: AnnotationDefaults;
  /** The level of each warning code. */
  readonly warnings: Readonly<Record<WarningCode, WarningLevel>>;
  /** Declared store names, sorted, or undefined when not declared. */
  readonly stores: readonly string[] | undefined;
}

const LEVELS: readonly WarningLevel[] = ['warn', 'error', 'off'];
const WARNING_CODES = warningCodes as readonly WarningCode[];

/**
 * Checks `options` against the declarations (as options of `frontEnd`) and fills in their
 * defaults. Throws a `CachetOptionError` listing every mistake; front ends that know where the
 * options were written check them first, to report that position.
 */
export function resolveOptions(options: CachetOptions = {}, frontEnd: FrontEnd = 'tsconfig'): ResolvedOptions {
  const problems = checkOptions(buildOptions, frontEnd, options);
  if (problems.length > 0) throw new CachetOptionError(problems, undefined, 'the Cachet compiler options');
  const strict = options.strict ?? buildOptions.strict.default;
  return {
    verify: options.verify ?? buildOptions.verify.default,
    runtimeModule: options.runtimeModule ?? buildOptions.runtimeModule.default,
    defaults: { ...options.defaults },
    warnings: resolveWarnings(options.warnings ?? (strict ? 'error' : buildOptions.warnings.default)),
    stores: options.stores === undefined ? undefined : [...options.stores].sort(),
  };
}

function resolveWarnings(policy: WarningPolicy): Record<WarningCode, WarningLevel> {
  const level = (value: unknown, where: string): WarningLevel => {
    if (LEVELS.includes(value as WarningLevel)) return value as WarningLevel;
    throw new Error(`cachet: ${where} must be 'warn', 'error' or 'off', got ${JSON.stringify(value)}`);
  };
  const table = {} as Record<WarningCode, WarningLevel>;
  if (typeof policy === 'string') {
    for (const code of WARNING_CODES) table[code] = level(policy, 'warnings');
    return table;
  }
  const fallback = policy.default === undefined ? 'warn' : level(policy.default, 'warnings.default');
  for (const code of WARNING_CODES) {
    const own = policy[code];
    table[code] = own === undefined ? fallback : level(own, `warnings.${code}`);
  }
  return table;
}

/** Applies the warnings policy: warnings set to `off` go, those set to `error` become errors. */
export function applyWarningPolicy(
  diagnostics: readonly CachetDiagnostic[],
  warnings: ResolvedOptions['warnings'],
): CachetDiagnostic[] {
  const out: CachetDiagnostic[] = [];
  for (const d of diagnostics) {
    const level = d.category === 'warning' ? warnings[d.code as WarningCode] : undefined;
    if (level === 'off') continue;
    out.push(level === 'error' ? { ...d, category: 'error' } : d);
  }
  return out;
}
