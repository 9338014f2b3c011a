/**
 * The files a plan was derived from, for the caches that reuse it (`AnalysisContext.dependencies`).
 * The types the analysis walks name their declarations, but not every declaration that shaped
 * them: `type Id = number` in another file makes a plain `number`, and a property inherited from a
 * base interface elsewhere is declared there. So besides the declarations of the types and
 * properties it meets, the analysis follows what the code names: the identifiers of the cached
 * function's signature (its body too when the return type is inferred), and from each declaration
 * they resolve to, what decides its type (an alias's type, a variable's annotation or initializer,
 * a function's return type or body). Lib files are left out (the TypeScript version is in every
 * key); files of packages are recorded but not followed (they change with the lockfile).
 */
import type ts from 'typescript';
import type { AnalysisContext } from './context.js';

const PACKAGE = /[\\/]node_modules[\\/]/;

/** Records the files of everything `node` names, following declarations to what types them. */
export function recordNames(ctx: AnalysisContext, node: ts.Node | undefined): void {
  if (node === undefined) return;
  const { ts } = ctx;
  const visit = (child: ts.Node): void => {
    if (ts.isIdentifier(child)) recordSymbol(ctx, ctx.checker.getSymbolAtLocation(child));
    else ts.forEachChild(child, visit);
  };
  visit(node);
}

/** Records where a symbol is declared, and what its declarations' types are made of. */
export function recordSymbol(ctx: AnalysisContext, symbol: ts.Symbol | undefined): void {
  if (symbol === undefined || ctx.recorded.has(symbol)) return;
  ctx.recorded.add(symbol);
  const { ts } = ctx;
  if (symbol.flags & ts.SymbolFlags.Alias) {
    // An import: the declaration it names (the import's own file is the one being recorded from).
    let target: ts.Symbol | undefined;
    try {
      target = ctx.checker.getAliasedSymbol(symbol);
    } catch {
      target = undefined;
    }
    recordSymbol(ctx, target);
  }
  for (const declaration of symbol.declarations ?? []) {
    const file = declaration.getSourceFile();
    if (ctx.program?.isSourceFileDefaultLibrary(file) === true) continue;
    ctx.dependencies.add(file.fileName);
    if (PACKAGE.test(file.fileName)) continue;
    recordNames(ctx, typing(ts, declaration));
  }
}

/** The part of a declaration its type comes from; undefined where members are recorded one by one. */
function typing(ts: AnalysisContext['ts'], declaration: ts.Declaration): ts.Node | undefined {
  if (ts.isTypeAliasDeclaration(declaration)) return declaration;
  if (ts.isVariableDeclaration(declaration) || ts.isParameter(declaration) || ts.isPropertyDeclaration(declaration)) {
    return declaration.type ?? declaration.initializer;
  }
  if (ts.isPropertySignature(declaration)) return declaration.type;
  if (ts.isPropertyAssignment(declaration)) return declaration.initializer;
  if (ts.isEnumMember(declaration)) return declaration.initializer;
  if (ts.isFunctionLike(declaration)) {
    const body = 'body' in declaration ? (declaration.body as ts.Node | undefined) : undefined;
    return declaration.type ?? body;
  }
  if (ts.isIndexSignatureDeclaration(declaration)) return declaration.type;
  return undefined;
}
