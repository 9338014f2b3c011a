/**
 * Hash helpers shared by every encoder of a file: allocation-free, 32-bit FNV-1a style mixing; the
 * snapshot of a value keyed by the runtime's `instanceText` (`Other`); the depth of recursive types.
 *
 * Hashing runs first on every call and checks what it reads: a value that is not of its declared
 * type (passed from JavaScript, or through `any`) makes the call run uncached, never crash and never
 * share the key text of a value of the declared type (`"1"` for `1`, `"yes"` for `true`).
 */
import { prelude, RUNTIME } from './names.js';

/** The helpers, one declaration each (see prune.ts: only those something calls are kept). */
export function preludeCode(): string[] {
  const { mix, hashString, hashNumber, sameNumber, Other, depth } = prelude;
  const { notItsType, hashBigint, hashBoolean, hashNullish, ownNumber, ownString } = prelude;
  const code = `function ${mix}(h: number, x: number): number {
  return Math.imul(h ^ x, 16777619);
}
function ${notItsType}(): never {
  return ${RUNTIME}.uncacheable("an argument is not of its declared type (passed from JavaScript or through an any); the call runs uncached");
}
function ${hashString}(h: number, s: any): number {
  if (typeof s !== "string") ${notItsType}();
  h = ${mix}(h, s.length);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}
function ${hashNumber}(h: number, n: any): number {
  if (typeof n !== "number") ${notItsType}();
  if ((n | 0) === n) return ${mix}(h, n); // an int32 (0 and -0 alike): one step
  return ${mix}(${mix}(${mix}(h, n | 0), (n / 4294967296) | 0), ((n - Math.trunc(n)) * 4294967296) | 0);
}
function ${hashBigint}(h: number, n: any): number {
  if (typeof n !== "bigint") ${notItsType}();
  return ${hashNumber}(h, Number(n));
}
function ${hashBoolean}(h: number, b: any): number {
  if (b !== true && b !== false) ${notItsType}();
  return ${mix}(h, b ? 1 : 2);
}
function ${hashNullish}(h: number, v: any, expected: null | undefined): number {
  if (v !== expected) ${notItsType}();
  return ${mix}(h, 3);
}
function ${ownNumber}(n: any): number {
  if (typeof n !== "number") ${notItsType}();
  return n;
}
function ${ownString}(s: any): string {
  if (typeof s !== "string") ${notItsType}();
  return s;
}
function ${sameNumber}(a: any, b: any): boolean {
  return a === b || (a !== a && b !== b);
}
class ${Other} {
  readonly t: string;
  constructor(t: string) {
    this.t = t;
  }
}
let ${depth} = 0;
`;
  return code.split(/\n(?=function |class |let )/).map((declaration) => `${declaration.trimEnd()}\n`);
}
