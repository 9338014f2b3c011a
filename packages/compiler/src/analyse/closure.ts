/**
 * The project files a tagged file's result may depend on, beyond the declarations the analysis
 * recorded: every file it reaches through imports and re-exports (type-only ones too), and the
 * project's own declaration files (ambient types). A type can shape a key without leaving a trace
 * on the types the analysis sees (`type Id = number` in another file makes a plain `number`), so
 * the persistent cache compares all of them. Files of packages (`node_modules`) are left out: the
 * declarations read from them are recorded one by one, and they change with the lockfile.
 */
import type ts from 'typescript';

const PACKAGE = /[\\/]node_modules[\\/]/;

export function importClosure(
  ts: typeof import('typescript'),
  program: ts.Program,
  sourceFile: ts.SourceFile,
): string[] {
  const checker = program.getTypeChecker();
  const found = new Set<ts.SourceFile>([sourceFile]);
  const queue = [sourceFile];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const statement of file.statements) {
      const specifier =
        ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) ? statement.moduleSpecifier : undefined;
      if (specifier === undefined) continue;
      for (const declaration of checker.getSymbolAtLocation(specifier)?.declarations ?? []) {
        const target = declaration.getSourceFile();
        if (found.has(target) || PACKAGE.test(target.fileName) || program.isSourceFileDefaultLibrary(target)) continue;
        found.add(target);
        queue.push(target);
      }
    }
  }
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile && !PACKAGE.test(file.fileName) && !program.isSourceFileDefaultLibrary(file))
      found.add(file);
  }
  found.delete(sourceFile);
  return [...found].map((file) => file.fileName);
}
