/**
 * Outputs of the bundler plugin import their key helpers from modules in the cache directory
 * (`<cacheDir>/helpers/<hash>.mjs`, see the compiler's generate/share.ts). Tests that look for what
 * a type contributed read the output together with those modules; tests that compare outputs made
 * with different cache directories compare them with the directory left out (a module's name is
 * the hash of its text, so equal names are equal helpers).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const HELPER_IMPORT = /from "([^"]*\/helpers\/[\w-]+\.mjs)"/g;

/** `code` (the output for `fileName`) followed by every helper module it imports, directly or not. */
export function withHelpers(code: string, fileName: string): string {
  const texts = [code];
  const seen = new Set<string>();
  const visit = (text: string, from: string): void => {
    for (const [, specifier] of text.matchAll(HELPER_IMPORT)) {
      const file = resolve(dirname(from), specifier as string);
      if (seen.has(file)) continue;
      seen.add(file);
      const module = readFileSync(file, 'utf8');
      texts.push(module);
      visit(module, file);
    }
  };
  visit(code, fileName);
  return texts.join('\n');
}

/** `code` with the directory of its helper imports left out. */
export function withoutHelperDir(code: string | undefined): string | undefined {
  return code?.replace(/from "[^"]*\/helpers\/([\w-]+\.mjs)"/g, 'from "helpers/$1"');
}
