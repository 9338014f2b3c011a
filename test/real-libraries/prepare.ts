/**
 * Fetch a library at its pinned version from the npm registry, generate its wrapper module, and
 * build it with the real plugin (unplugin-cachet for esbuild). A function the plugin refuses is
 * reported as refused and built once more without its tag, so the rest of the suite still runs
 * against the other wrappers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Message, Plugin } from 'esbuild';
import type { Library } from './libraries.js';

export interface Refusal {
  readonly fn: string;
  readonly message: string;
}

export interface Prepared {
  /** The extracted package: the library and its tests. */
  readonly packageDir: string;
  /** The built wrapper module (CommonJS), exporting `modules` and the runtime's `stats`. */
  readonly bundle: string;
  readonly tagged: readonly string[];
  readonly refused: readonly Refusal[];
  /** Build warnings, `line:column message` in the wrapper module. */
  readonly warnings: readonly string[];
}

/** `npm pack` the pinned version once; later runs reuse the extracted package. */
export function fetchPackage(lib: Library, dir: string): string {
  const packageDir = join(dir, 'package');
  const manifest = join(packageDir, 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === lib.version) return packageDir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = execFileSync('npm', ['pack', `${lib.name}@${lib.version}`, '--json', '--pack-destination', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [{ filename, integrity }] = JSON.parse(out) as [{ filename: string; integrity: string }];
  if (integrity !== lib.integrity)
    throw new Error(`${lib.name}@${lib.version}: integrity ${integrity}, pinned ${lib.integrity}`);
  execFileSync('tar', ['xzf', join(dir, filename), '-C', dir]);
  return packageDir;
}

/** The wrapper module's source; `untagged` functions are generated without the tag. */
export function wrapperSource(lib: Library, untagged: ReadonlySet<string>): string {
  const functions = lib.functions.map((f) =>
    [
      ...(untagged.has(f.name)
        ? ['// Refused by the build: see the report.']
        : [`/** @cached storage=memory${f.options === undefined ? '' : ` ${f.options}`} */`]),
      `export function ${f.name}(${f.params}): ${f.returns} {`,
      `  return ${f.body};`,
      '}',
    ].join('\n'),
  );
  return [
    `// Generated for ${lib.name}@${lib.version}: one cached wrapper per pure function.`,
    lib.header,
    ...functions,
    lib.modules,
    "export { stats } from '@cachet/runtime';",
    '',
  ].join('\n\n');
}

/** Which wrapper a 1-based line of the generated source belongs to: its tag through its `}`. */
function functionAt(source: string, line: number): string | undefined {
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const name = /^export function (\w+)\(/.exec(lines[i] as string)?.[1];
    if (name === undefined) continue;
    const end = lines.indexOf('}', i);
    // i is 0-based: the tag is on line i (1-based), the signature on line i + 1.
    if (line >= i && line <= end + 1) return name;
  }
  return undefined;
}

/** The wrappers must type-check against the library's declarations, or their keys mean nothing. */
async function typeCheck(dir: string): Promise<string[]> {
  const ts = (await import('typescript')).default;
  const configFile = join(dir, 'tsconfig.json');
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.slice(dir.length + 1)}:${line + 1}:${character + 1} ${text}`;
  });
}

function located(message: Message): string {
  const loc = message.location;
  return loc === null ? message.text : `${loc.line}:${loc.column + 1} ${message.text}`;
}

interface BuildResult {
  readonly errors: readonly Message[];
  readonly warnings: readonly Message[];
}

async function build(lib: Library, dir: string, packageDir: string, untagged: ReadonlySet<string>) {
  const { build: esbuild } = await import('esbuild');
  const cachet = (await import('unplugin-cachet/esbuild')).default;
  const entry = join(dir, 'wrappers.ts');
  const source = wrapperSource(lib, untagged);
  writeFileSync(entry, source);
  // The library stays outside the bundle: the tests load the same module instance the wrappers call.
  const external: Plugin = {
    name: 'library-external',
    setup(b) {
      const filter = new RegExp(`^${lib.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`);
      const resolve = createRequire(join(packageDir, 'package.json')).resolve;
      b.onResolve({ filter }, (args) => {
        const sub = args.path.slice(lib.name.length);
        return { path: resolve(sub === '' ? './' : `.${sub}`), external: true };
      });
    },
  };
  let result: BuildResult;
  try {
    result = await esbuild({
      entryPoints: [entry],
      outfile: join(dir, 'wrappers.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
      plugins: [external, cachet({ defaults: { storage: 'memory' } })],
    });
  } catch (error) {
    result = error as BuildResult;
  }
  return { source, result };
}

/** Fetch, generate and build; `variant` names the build's folder next to the package. */
export async function prepare(lib: Library, root: string, variant = 'cached'): Promise<Prepared> {
  const packageDir = fetchPackage(lib, join(root, `${lib.name}@${lib.version}`));
  const dir = join(packageDir, '..', variant);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'preserve',
        moduleResolution: 'bundler',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
        ...(lib.ownTypes === true ? { paths: { [lib.name]: ['../package'] } } : {}),
      },
      files: ['wrappers.ts', 'ambient.d.ts'],
    }),
  );
  writeFileSync(join(dir, 'ambient.d.ts'), lib.declarations ?? 'export {};\n');
  const refused: Refusal[] = [];
  const untagged = new Set<string>();
  for (;;) {
    const { source, result } = await build(lib, dir, packageDir, untagged);
    const fresh = result.errors
      .map((e) => ({ fn: e.location === null ? undefined : functionAt(source, e.location.line), message: located(e) }))
      .filter((r): r is Refusal => r.fn !== undefined && !untagged.has(r.fn));
    if (result.errors.length === 0) {
      const typeErrors = await typeCheck(dir);
      if (typeErrors.length > 0)
        throw new Error(`${lib.name}: the wrappers do not type-check:\n${typeErrors.join('\n')}`);
      return {
        packageDir,
        bundle: join(dir, 'wrappers.cjs'),
        tagged: lib.functions.map((f) => f.name).filter((name) => !untagged.has(name)),
        refused,
        warnings: result.warnings.map(located),
      };
    }
    if (fresh.length === 0)
      throw new Error(`${lib.name}: the wrappers do not build:\n${result.errors.map(located).join('\n')}`);
    refused.push(...fresh);
    for (const r of fresh) untagged.add(r.fn);
  }
}
