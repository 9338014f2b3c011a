/**
 * The tsconfig plugin entry as options: ts-patch's own keys set aside, the rest checked against
 * the build's declarations, and each mistake placed at its key (or value) in the tsconfig.json
 * that holds the entry (the project's, or a base config it extends), as a TypeScript diagnostic.
 */
import { dirname } from 'node:path';
import { checkOptions, type OptionProblem } from '@cachet/runtime/options';
import type ts from 'typescript';
import { buildOptions } from './build-options.js';
import { codes } from './diagnostics.js';
import type { CachetOptions } from './options.js';

/** Keys of a plugin entry that ts-patch reads, not Cachet. */
const TS_PATCH_KEYS = new Set([
  'transform',
  'type',
  'import',
  'after',
  'afterDeclarations',
  'transformProgram',
  'isEsm',
  'resolvePathAliases',
  'name',
]);

/** Cachet's options in a plugin entry, and a diagnostic for each mistake in them. */
export function readEntry(
  tsi: typeof import('typescript'),
  program: ts.Program,
  entry: object,
): { options: CachetOptions; diagnostics: ts.Diagnostic[] } {
  const options = Object.fromEntries(Object.entries(entry).filter(([key]) => !TS_PATCH_KEYS.has(key)));
  const problems = checkOptions(buildOptions, 'tsconfig', options);
  if (problems.length === 0) return { options, diagnostics: [] };
  const configFile = program.getCompilerOptions().configFilePath;
  const found = typeof configFile === 'string' ? findEntry(tsi, configFile, Object.keys(entry)) : undefined;
  return {
    options: {},
    diagnostics: problems.map((problem) => toDiagnostic(tsi, problem, found?.json, found?.node)),
  };
}

/**
 * The entry and the tsconfig file holding it: the project's own, else one it `extends` (directly
 * or through others), where a base config shared by several projects keeps the plugin entry.
 */
function findEntry(
  tsi: typeof import('typescript'),
  configFile: string,
  keys: readonly string[],
): { json: ts.JsonSourceFile; node: ts.ObjectLiteralExpression } | undefined {
  const json = tsi.readJsonConfigFile(configFile, tsi.sys.readFile);
  const node = entryNode(tsi, json, keys);
  if (node !== undefined) return { json, node };
  // Parsing the config resolves its `extends` chain, as tsc did, and lists the files it read.
  tsi.parseJsonSourceFileConfigFileContent(json, tsi.sys, dirname(configFile), undefined, configFile);
  for (const base of json.extendedSourceFiles ?? []) {
    const baseJson = tsi.readJsonConfigFile(base, tsi.sys.readFile);
    const baseNode = entryNode(tsi, baseJson, keys);
    if (baseNode !== undefined) return { json: baseJson, node: baseNode };
  }
  return undefined;
}

function toDiagnostic(
  tsi: typeof import('typescript'),
  problem: OptionProblem,
  json: ts.JsonSourceFile | undefined,
  entry: ts.ObjectLiteralExpression | undefined,
): ts.Diagnostic {
  const at = entry === undefined ? undefined : locate(tsi, entry, problem);
  return {
    file: at === undefined ? undefined : json,
    start: at?.getStart(json),
    length: at === undefined ? undefined : at.getEnd() - at.getStart(json),
    messageText: `${problem.code}: ${problem.message} in the tsconfig plugin entry Hint: ${problem.hint}`,
    category: tsi.DiagnosticCategory.Error,
    code: codes[problem.code].number,
    source: 'cachet',
  };
}

/**
 * The entry of `compilerOptions.plugins` holding these keys (ts-patch passes the entry without
 * `transform`, so that cannot tell it).
 */
function entryNode(
  tsi: typeof import('typescript'),
  json: ts.JsonSourceFile,
  keys: readonly string[],
): ts.ObjectLiteralExpression | undefined {
  const root = json.statements[0]?.expression;
  const plugins = property(tsi, property(tsi, root, 'compilerOptions')?.initializer, 'plugins')?.initializer;
  if (plugins === undefined || !tsi.isArrayLiteralExpression(plugins)) return undefined;
  return plugins.elements.find(
    (element): element is ts.ObjectLiteralExpression =>
      tsi.isObjectLiteralExpression(element) && keys.every((key) => property(tsi, element, key) !== undefined),
  );
}

/** The key of an unknown option, the value of a bad one. */
function locate(tsi: typeof import('typescript'), entry: ts.ObjectLiteralExpression, problem: OptionProblem): ts.Node {
  let node: ts.Node = entry;
  for (const name of problem.path) {
    const found = property(tsi, node, name);
    if (found === undefined) return node;
    node = found.name;
    if (name !== problem.path[problem.path.length - 1] || problem.code !== 'CACHET_E_UNKNOWN_OPTION')
      node = found.initializer;
  }
  return node;
}

function property(
  tsi: typeof import('typescript'),
  node: ts.Node | undefined,
  name: string,
): ts.PropertyAssignment | undefined {
  if (node === undefined || !tsi.isObjectLiteralExpression(node)) return undefined;
  return node.properties.find(
    (p): p is ts.PropertyAssignment =>
      tsi.isPropertyAssignment(p) && (tsi.isStringLiteral(p.name) || tsi.isIdentifier(p.name)) && p.name.text === name,
  );
}
