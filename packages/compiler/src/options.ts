/** Options of the compiler, shared by every front end (ts-patch, the bundler plugin). */
import { type AnnotationDefaults, checkDefaults } from './annotation.js';
import { type CachetDiagnostic, codes, type DiagnosticCode } from './diagnostics.js';

/** What a warning does: printed (`warn`), failing the build (`error`), or not reported (`off`). */
export type WarningLevel = 'warn' | 'error' | 'off';

/** The codes of warnings, such as `CACHET_W_REFLECTIVE`. */
export type WarningCode = Extract<DiagnosticCode, `CACHET_W_${string}`>;

/** One level for every warning, or levels per code with a `default` for the rest. */
export type WarningPolicy =
  | WarningLevel
  | ({ readonly default?: WarningLevel } & Partial<Record<WarningCode, WarningLevel>>);

/** The compiler's options, as the bundler plugin and the tsconfig plugin entry take them. */
export interface CachetOptions {
  /**
   * Compiled functions run in verify mode: each call also computes the reflective key of the
   * keyed arguments and reports calls where the two keys disagree. `CACHET_VERIFY=1` at run time
   * does the same for every function without recompiling.
   * @default false
   */
  readonly verify?: boolean;
  /**
   * Where generated code imports the runtime from.
   * @default '@cachet/runtime/internal'
   */
  readonly runtimeModule?: string;
  /**
   * What an annotation that leaves out `ttl`, `storage` or `version` gets, e.g.
   * `{ storage: 'memory' }`; the annotation's own options win.
   * @default {} (the runtime's defaults: forever, tiered on Node and memory in browsers, no version)
   */
  readonly defaults?: AnnotationDefaults;
  /**
   * What warnings do, on every front end: `'warn'` prints them and the build succeeds, `'error'`
   * fails the build, `'off'` hides them; or per code, e.g.
   * `{ default: 'error', CACHET_W_REFLECTIVE: 'off' }`. Errors are always errors.
   * @default 'warn'
   */
  readonly warnings?: WarningPolicy;
  /**
   * The store names the application registers with `configure({ stores })`. With it, a
   * `storage=` naming any other store is a build error at its line; without it, such a name is a
   * warning (`CACHET_W_UNDECLARED_STORE`), since only the running application knows its stores.
   * @default undefined (store names are not checked)
   */
  readonly stores?: readonly string[];
}

/** `CachetOptions` with every default applied (`resolveOptions`). */
export interface ResolvedOptions {
  readonly verify: boolean;
  readonly runtimeModule: string;
  readonly defaults: AnnotationDefaults;
  /** The level of each warning code. */
  readonly warnings: Readonly<Record<WarningCode, WarningLevel>>;
  /** Declared store names, or undefined when not declared. */
  readonly stores: readonly string[] | undefined;
}

const LEVELS: readonly WarningLevel[] = ['warn', 'error', 'off'];
const WARNING_CODES = (Object.keys(codes) as DiagnosticCode[]).filter((code): code is WarningCode =>
  code.startsWith('CACHET_W_'),
);

/** Fills in defaults once; nothing reads raw options afterwards. Throws on a bad option. */
export function resolveOptions(options: CachetOptions = {}): ResolvedOptions {
  return {
    verify: options.verify === true,
    runtimeModule: options.runtimeModule ?? '@cachet/runtime/internal',
    defaults: checkDefaults(options.defaults ?? {}),
    warnings: resolveWarnings(options.warnings ?? 'warn'),
    stores: resolveStores(options.stores),
  };
}

function resolveStores(stores: readonly string[] | undefined): readonly string[] | undefined {
  if (stores === undefined) return undefined;
  if (!Array.isArray(stores) || stores.some((s) => typeof s !== 'string' || s === ''))
    throw new Error(`cachet: stores must be a list of store names, got ${JSON.stringify(stores)}`);
  return [...stores].sort();
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
  for (const key of Object.keys(policy)) {
    if (key !== 'default' && !(WARNING_CODES as string[]).includes(key))
      throw new Error(`cachet: warnings.${key} is not a warning code; the codes are ${WARNING_CODES.join(', ')}`);
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
