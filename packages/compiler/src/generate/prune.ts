/**
 * Module-level generated code keeps only the declarations something calls. Helpers are generated
 * per key kind and operation, and not all of them are called: a union of primitives is compared
 * inline, a file may never hash a bigint. Dropping them removes dead code, and front ends that
 * type-check the output (ts-loader) report no unused declaration under `noUnusedLocals`.
 */

/** A generated binding: every one starts with `__cachet$` (see names.ts). */
export const NAME: RegExp = /__cachet\$[\w$]*/g;
/** The binding a declaration introduces: a function, class or variable, or an import's local name. */
export const DECLARES: RegExp =
  /^(?:function|class|let|var|const) (__cachet\$[\w$]*)|^import \{ [\w$]+ as (__cachet\$[\w$]*) \}/;

/**
 * The declarations (each one statement of text) that `roots` reach, directly or through other
 * declarations, in their order. A declaration whose binding is not recognised is kept.
 */
export function keepUsed(roots: string, declarations: readonly string[]): string[] {
  const byName = new Map<string, number>();
  declarations.forEach((declaration, i) => {
    const match = DECLARES.exec(declaration);
    const name = match?.[1] ?? match?.[2];
    if (name !== undefined) byName.set(name, i);
  });
  const kept = new Set<number>();
  const pending = [roots];
  for (let text = pending.pop(); text !== undefined; text = pending.pop()) {
    for (const name of text.match(NAME) ?? []) {
      const i = byName.get(name);
      if (i === undefined || kept.has(i)) continue;
      kept.add(i);
      pending.push(declarations[i] as string);
    }
  }
  return declarations.filter((declaration, i) => kept.has(i) || !DECLARES.test(declaration));
}
