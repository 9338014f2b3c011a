/**
 * The purity check: a cached function must compute its result from its key alone. This walks
 * the function's own code (parameters' defaults, body, nested closures) and reports each
 * expression that reads ambient state the key does not hold — the clock, randomness, the process
 * environment, the default time zone or locale, a module-level `let`/`var` — as
 * `CACHET_W_IMPURE`, with the fix.
 *
 * Names are resolved with the checker, so a local `Date` or a parameter shadowing `process` is
 * not the global. A property access is resolved only when its name is one a library member with a
 * rule goes by in the program (its own, or a name an import or export gives it): resolving
 * `rows.filter` would type-check `rows`, the larger part of analysing a typical function. Calls into other functions are not followed: a helper that reads the clock is
 * not seen. A line holding `// cachet-ignore-impure` (or following a line that is only that
 * comment) is not reported.
 */
import type ts from 'typescript';
import { CachetCompileError } from '../diagnostics.js';
import type { Target } from '../find.js';

type TS = typeof import('typescript');

export interface PurityProps {
  readonly ts: TS;
  readonly checker: ts.TypeChecker;
  readonly program?: ts.Program | undefined;
  readonly target: Target;
}

/** What an ambient read depends on. */
type Source = 'clock' | 'random' | 'environment' | 'zone' | 'locale' | 'localeZone' | 'module';

/**
 * How a library member reads ambient state: always (`Date.now`, `process.env`, `getHours`), or
 * only when called without a locale (or without a `timeZone` option), or as the `Date` constructor.
 */
type Rule =
  | { readonly kind: 'always'; readonly source: Source; readonly instead?: string }
  | { readonly kind: 'locale'; readonly index: number }
  | { readonly kind: 'localeZone' }
  | { readonly kind: 'dateConstructor' };

const clock: Rule = { kind: 'always', source: 'clock' };
const random: Rule = { kind: 'always', source: 'random' };
const environment: Rule = { kind: 'always', source: 'environment' };
const locale: Rule = { kind: 'locale', index: 0 };
const localeZone: Rule = { kind: 'localeZone' };
const zone = (instead?: string): Rule => ({ kind: 'always', source: 'zone', ...(instead ? { instead } : {}) });

/** Date methods that read or write local time: each has a UTC twin. */
const localTime = ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds'];
const randomFunctions = ['randomUUID', 'getRandomValues', 'randomBytes', 'randomInt', 'randomFill', 'randomFillSync'];

/** Library members by the interface or namespace declaring them, then by name. */
const memberRules: Record<string, Record<string, Rule>> = {
  DateConstructor: { now: clock },
  Math: { random },
  Performance: { now: clock, timeOrigin: clock },
  Crypto: { randomUUID: random, getRandomValues: random },
  crypto: Object.fromEntries(randomFunctions.map((name) => [name, random])),
  Process: { env: environment, argv: environment, cwd: environment, hrtime: clock, uptime: clock },
  Date: {
    ...Object.fromEntries(localTime.map((part) => [`get${part}`, zone(`getUTC${part}`)])),
    ...Object.fromEntries(localTime.filter((p) => p !== 'Day').map((part) => [`set${part}`, zone(`setUTC${part}`)])),
    getTimezoneOffset: zone(),
    toString: zone('toISOString'),
    toDateString: zone('toISOString'),
    toTimeString: zone('toISOString'),
    toLocaleString: localeZone,
    toLocaleDateString: localeZone,
    toLocaleTimeString: localeZone,
  },
  Number: { toLocaleString: locale },
  BigInt: { toLocaleString: locale },
  Array: { toLocaleString: locale },
  ReadonlyArray: { toLocaleString: locale },
  String: { localeCompare: { kind: 'locale', index: 1 }, toLocaleUpperCase: locale, toLocaleLowerCase: locale },
  Intl: {
    DateTimeFormat: localeZone,
    ...Object.fromEntries(
      [
        'Collator',
        'NumberFormat',
        'PluralRules',
        'RelativeTimeFormat',
        'ListFormat',
        'Segmenter',
        'DurationFormat',
      ].map((name) => [name, locale]),
    ),
  },
};
const members: ReadonlyMap<string, ReadonlyMap<string, Rule>> = new Map(
  Object.entries(memberRules).map(([container, rules]) => [container, new Map(Object.entries(rules))]),
);

/** One ambient read: the expression, what it reads, and how to avoid it. */
interface Finding {
  readonly site: ts.Node;
  readonly source: Source;
  readonly instead?: string | undefined;
  /** For a module-level variable: how it is declared. */
  readonly variable?: 'let' | 'var';
}

/** Every ambient read in the function's own code, as `CACHET_W_IMPURE` warnings. */
export function impureReads(props: PurityProps): CachetCompileError[] {
  const { ts, target } = props;
  const findings: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTypeNode(node)) return;
    const finding = inspect(props, node);
    if (finding !== undefined) findings.push(finding);
    ts.forEachChild(node, visit);
  };
  for (const param of target.node.parameters) visit(param);
  if (target.node.body !== undefined) visit(target.node.body);
  const sourceFile = target.node.getSourceFile();
  return findings
    .filter((finding) => !silenced(sourceFile, finding.site.getStart()))
    .map((finding) => warning(props, finding));
}

/** The finding at one node, if it is a reference to ambient state. */
function inspect(props: PurityProps, node: ts.Node): Finding | undefined {
  const { ts, checker } = props;
  if (ts.isIdentifier(node)) {
    if (isWriteOnly(ts, node) || isUnruledMember(props, node)) return undefined;
    const symbol = resolve(ts, checker, referenced(ts, checker, node));
    if (symbol === undefined) return undefined;
    const site = ts.isPropertyAccessExpression(node.parent) && node.parent.name === node ? node.parent : node;
    const variable = site === node ? moduleVariable(ts, symbol) : undefined;
    if (variable !== undefined) return { site, source: 'module', variable };
    return apply(ts, ruleOf(props, symbol), site);
  }
  if (
    ts.isStringLiteral(node) &&
    ts.isElementAccessExpression(node.parent) &&
    node.parent.argumentExpression === node
  ) {
    const symbol = resolve(ts, checker, checker.getSymbolAtLocation(node));
    return symbol === undefined ? undefined : apply(ts, ruleOf(props, symbol), node.parent);
  }
  if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
    // `const { env } = process`: the property read by destructuring.
    const key = node.propertyName ?? node.name;
    if (!ts.isIdentifier(key) && !ts.isStringLiteral(key)) return undefined;
    const symbol = checker.getTypeAtLocation(node.parent).getProperty(key.text);
    return symbol === undefined ? undefined : apply(ts, ruleOf(props, symbol), node);
  }
  return undefined;
}

/**
 * The names a property access may reach a library member with a rule by: the members' own names,
 * `Date` (`globalThis.Date`), `default`, and the names imports and exports anywhere in the program
 * give them (`export { randomUUID as id }`, then `ns.id()`), followed through renames of renames.
 */
const MEMBER_NAMES: readonly string[] = [
  ...[...members.values()].flatMap((rules) => [...rules.keys()]),
  'Date',
  'default',
];

const memberNames = new WeakMap<ts.Program, ReadonlySet<string>>();
/**
 * The renames in one file's imports and exports, kept as long as the file: a program made after an
 * edit shares every unchanged file with the one before, so only the edited files are walked again.
 */
const fileRenames = new WeakMap<ts.SourceFile, readonly (readonly [from: string, to: string])[]>();

function renamesOf(ts: TS, file: ts.SourceFile): readonly (readonly [from: string, to: string])[] {
  const known = fileRenames.get(file);
  if (known !== undefined) return known;
  const renames: [from: string, to: string][] = [];
  const rename = (from: ts.Node | undefined, to: ts.Node): void => {
    if (from !== undefined && (ts.isIdentifier(from) || ts.isStringLiteral(from)) && ts.isIdentifier(to)) {
      renames.push([from.text, to.text]);
    }
  };
  const visit = (statements: readonly ts.Statement[]): void => {
    for (const statement of statements) {
      if (ts.isImportDeclaration(statement)) {
        const bindings = statement.importClause?.namedBindings;
        if (bindings !== undefined && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) rename(element.propertyName, element.name);
        }
      } else if (ts.isExportDeclaration(statement)) {
        const clause = statement.exportClause;
        if (clause !== undefined && ts.isNamedExports(clause)) {
          for (const element of clause.elements) rename(element.propertyName, element.name);
        }
      } else if (ts.isImportEqualsDeclaration(statement)) {
        const reference = statement.moduleReference;
        if (ts.isIdentifier(reference)) rename(reference, statement.name);
        else if (ts.isQualifiedName(reference)) rename(reference.right, statement.name);
      } else if (ts.isModuleDeclaration(statement)) {
        let body = statement.body;
        while (body !== undefined && ts.isModuleDeclaration(body)) body = body.body;
        if (body !== undefined && ts.isModuleBlock(body)) visit(body.statements);
      }
    }
  };
  visit(file.statements);
  fileRenames.set(file, renames);
  return renames;
}

function memberNamesOf(ts: TS, program: ts.Program): ReadonlySet<string> {
  let names = memberNames.get(program);
  if (names !== undefined) return names;
  const renames = program.getSourceFiles().flatMap((file) => renamesOf(ts, file));
  const found = new Set(MEMBER_NAMES);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [from, to] of renames) {
      if (found.has(from) && !found.has(to)) {
        found.add(to);
        grew = true;
      }
    }
  }
  names = found;
  memberNames.set(program, names);
  return names;
}

/**
 * `x.name` where `name` is not a name a library member with a rule is known by: no rule can apply,
 * and resolving it would type-check `x` (often an initializer's call, with overloads to choose),
 * which was a third of analysing a tagged file. Without the program, everything is resolved.
 */
function isUnruledMember(props: PurityProps, node: ts.Identifier): boolean {
  const { ts, program } = props;
  const parent = node.parent;
  if (program === undefined || !ts.isPropertyAccessExpression(parent) || parent.name !== node) return false;
  return !memberNamesOf(ts, program).has(node.text);
}

/** The symbol an identifier stands for; for `{ counter }`, the variable, not the property. */
function referenced(ts: TS, checker: ts.TypeChecker, node: ts.Identifier): ts.Symbol | undefined {
  if (ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node) {
    return checker.getShorthandAssignmentValueSymbol(node.parent);
  }
  return checker.getSymbolAtLocation(node);
}

function resolve(ts: TS, checker: ts.TypeChecker, symbol: ts.Symbol | undefined): ts.Symbol | undefined {
  if (symbol === undefined || (symbol.flags & ts.SymbolFlags.Alias) === 0) return symbol;
  return checker.getAliasedSymbol(symbol);
}

/**
 * `counter = 1` writes without reading. `counter += 1` and `counter++` read, but when their value
 * is discarded (a statement of its own, a for-loop's update) the read only feeds the write: a
 * side effect skipped on a hit, like any other, which does not shape the result.
 */
function isWriteOnly(ts: TS, node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node) {
    const op = parent.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken) return true;
    const compound = op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment;
    return compound && isDiscarded(ts, parent);
  }
  if (ts.isPostfixUnaryExpression(parent) || ts.isPrefixUnaryExpression(parent)) {
    const op = parent.operator;
    const update = op === ts.SyntaxKind.PlusPlusToken || op === ts.SyntaxKind.MinusMinusToken;
    return update && isDiscarded(ts, parent);
  }
  return false;
}

function isDiscarded(ts: TS, expression: ts.Expression): boolean {
  const parent = expression.parent;
  return ts.isExpressionStatement(parent) || (ts.isForStatement(parent) && parent.incrementor === expression);
}

/** A `let` or `var` declared at the top level of a source module (here or imported). */
function moduleVariable(ts: TS, symbol: ts.Symbol): 'let' | 'var' | undefined {
  let declaration: ts.Node | undefined = symbol.valueDeclaration ?? symbol.declarations?.[0];
  while (declaration !== undefined && ts.isBindingElement(declaration)) declaration = declaration.parent.parent;
  if (declaration === undefined || !ts.isVariableDeclaration(declaration)) return undefined;
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list) || !ts.isVariableStatement(list.parent)) return undefined;
  if (!ts.isSourceFile(list.parent.parent) || list.parent.parent.isDeclarationFile) return undefined;
  const scoped = list.flags & ts.NodeFlags.BlockScoped;
  return scoped === 0 ? 'var' : scoped === ts.NodeFlags.Let ? 'let' : undefined;
}

/** The rule for a symbol declared by a library (lib.*.d.ts, @types/node), if any. */
function ruleOf(props: PurityProps, symbol: ts.Symbol): Rule | undefined {
  for (const declaration of symbol.declarations ?? []) {
    if (!isLibrary(props, declaration.getSourceFile())) continue;
    const container = containerName(props.ts, declaration);
    if (container === undefined) continue;
    if (container === '' && symbol.name === 'Date' && props.ts.isVariableDeclaration(declaration)) {
      return { kind: 'dateConstructor' };
    }
    const rule = members.get(container)?.get(symbol.name);
    if (rule !== undefined) return rule;
  }
  return undefined;
}

function isLibrary(props: PurityProps, file: ts.SourceFile): boolean {
  if (!file.isDeclarationFile) return false;
  return props.program?.isSourceFileDefaultLibrary(file) === true || /[\\/]node_modules[\\/]/.test(file.fileName);
}

/**
 * The interface or namespace a declaration belongs to (`Math`, `Intl`, `crypto`), or '' for a
 * global declared at the top level of a file.
 */
function containerName(ts: TS, declaration: ts.Node): string | undefined {
  for (let node = declaration.parent; node !== undefined; node = node.parent) {
    if (ts.isInterfaceDeclaration(node) || ts.isModuleDeclaration(node)) return node.name.text;
    if (ts.isSourceFile(node)) return '';
    if (ts.isClassDeclaration(node) || ts.isTypeLiteralNode(node) || ts.isFunctionLike(node)) return undefined;
  }
  return undefined;
}

/** Applies a rule at a reference: rules that depend on arguments need the reference to be called. */
function apply(ts: TS, rule: Rule | undefined, site: ts.Node): Finding | undefined {
  if (rule === undefined) return undefined;
  if (rule.kind === 'always') {
    return { site: calledAt(ts, site) ?? site, source: rule.source, instead: rule.instead };
  }
  const call = calledAt(ts, site);
  if (call === undefined) return undefined;
  const args = call.arguments ?? [];
  if (args.some((arg) => ts.isSpreadElement(arg))) return undefined;
  switch (rule.kind) {
    case 'dateConstructor':
      if (ts.isCallExpression(call) || args.length === 0) return { site: call, source: 'clock' };
      return args.length >= 2 ? { site: call, source: 'zone', instead: 'new Date(Date.UTC(…))' } : undefined;
    case 'locale':
      return given(ts, args[rule.index]) ? undefined : { site: call, source: 'locale' };
    case 'localeZone':
      if (!given(ts, args[0])) return { site: call, source: 'localeZone' };
      return hasTimeZone(ts, args[1]) ? undefined : { site: call, source: 'zone' };
  }
}

/** The call or `new` whose callee is this expression. */
function calledAt(ts: TS, site: ts.Node): ts.CallExpression | ts.NewExpression | undefined {
  const parent = site.parent;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === site) return parent;
  return undefined;
}

/** An argument that is present and not `undefined`. */
function given(ts: TS, arg: ts.Expression | undefined): boolean {
  if (arg === undefined || ts.isVoidExpression(arg)) return false;
  return !(ts.isIdentifier(arg) && arg.text === 'undefined');
}

/** Options naming a `timeZone`; options that are not a literal are given the benefit of the doubt. */
function hasTimeZone(ts: TS, arg: ts.Expression | undefined): boolean {
  if (!given(ts, arg) || arg === undefined) return false;
  if (!ts.isObjectLiteralExpression(arg)) return true;
  return arg.properties.some(
    (p) =>
      ts.isSpreadAssignment(p) ||
      ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && propertyName(ts, p.name) === 'timeZone'),
  );
}

function propertyName(ts: TS, name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** `// cachet-ignore-impure` on the line, or alone on the line before. */
function silenced(sourceFile: ts.SourceFile, position: number): boolean {
  const { line } = sourceFile.getLineAndCharacterOfPosition(position);
  const lines = sourceFile.getLineStarts();
  const text = (n: number): string =>
    n < 0 ? '' : sourceFile.text.slice(lines[n], lines[n + 1] ?? sourceFile.text.length);
  return /\/[/*]\s*cachet-ignore-impure\b/.test(text(line)) || /^\s*\/\/\s*cachet-ignore-impure\b/.test(text(line - 1));
}

const reads: Record<Source, string> = {
  clock: 'reads the clock',
  random: 'is random',
  environment: 'reads the process environment',
  zone: 'reads the default time zone',
  locale: 'uses the default locale',
  localeZone: 'uses the default locale and time zone',
  module: 'is a module-level variable',
};

const consequences: Record<Source, string> = {
  clock: 'a hit returns a value computed at another time',
  random: "every hit returns the first call's value",
  environment: 'a hit returns a value computed under other settings, or in another process',
  zone: 'a hit returns a value computed for another time zone',
  locale: 'a hit returns a value computed for another locale',
  localeZone: 'a hit returns a value computed for another locale or time zone',
  module: 'a hit returns a value computed with an earlier value of it',
};

function warning(props: PurityProps, finding: Finding): CachetCompileError {
  const { target } = props;
  const expression = excerpt(finding.site.getText());
  const what = finding.variable === undefined ? reads[finding.source] : `is a module-level ${finding.variable}`;
  return new CachetCompileError(
    'CACHET_W_IMPURE',
    `${target.name}: ${expression} ${what}, which is not part of the key: ${consequences[finding.source]}`,
    hint(props, finding, expression),
    { start: finding.site.getStart(), end: finding.site.getEnd() },
  );
}

function hint({ target }: PurityProps, finding: Finding, expression: string): string {
  const drop = 'or drop @cached';
  if (inDefault(target, finding.site)) {
    return `a default value is not part of the key: make the parameter required so callers pass the value, ${drop}`;
  }
  switch (finding.source) {
    case 'clock':
      return `pass the time as a parameter (now: number) so it is part of the key, ${drop}`;
    case 'random':
      return `pass the random value (or a seed) as a parameter so it is part of the key, ${drop}`;
    case 'environment':
      return `read it outside the cached function and pass the value as a parameter, ${drop}`;
    case 'zone':
      return finding.instead === undefined
        ? `pass the time zone as a parameter and use it ({ timeZone }), ${drop}`
        : `use ${finding.instead}, or pass the time zone as a parameter and use it, ${drop}`;
    case 'locale':
      return `pass the locale as a parameter and give it to ${expression}, ${drop}`;
    case 'localeZone':
      return `pass the locale and time zone ({ timeZone }) as parameters and give them to ${expression}, ${drop}`;
    case 'module':
      return `pass it as a parameter so it is part of the key, make it a const, ${drop}`;
  }
}

/** Whether the expression is in a parameter's default value, which the key does not hold. */
function inDefault(target: Target, node: ts.Node): boolean {
  return target.node.parameters.some(
    (p) => p.initializer !== undefined && p.initializer.pos <= node.pos && node.end <= p.initializer.end,
  );
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= 48 ? flat : `${flat.slice(0, 45)}…`;
}
