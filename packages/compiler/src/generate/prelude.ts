/**
 * Hash helpers shared by every encoder of a file: allocation-free, 32-bit FNV-1a style mixing; the
 * snapshot of a value keyed by the runtime's `instanceText` (`Other`); the depth of recursive types.
 *
 * Hashing runs first on every call and checks what it reads: a value that is not of its declared
 * type (passed from JavaScript, or through `any`) makes the call run uncached, never crash and never
 * share the key text of a value of the declared type (`"1"` for `1`, `"yes"` for `true`).
 */
import { prelude, RUNTIME } from './names.js';

export function preludeCode(): string {
  const { mix, hashString, hashNumber, sameNumber, Other, depth } = prelude;
  const { notItsType, hashBigint, hashBoolean, hashNullish, ownNumber, ownString } = prelude;
  return `function ${mix}(h, x) {
  return Math.imul(h ^ x, 16777619);
}
function ${notItsType}() {
  ${RUNTIME}.uncacheable("an argument is not of its declared type (passed from JavaScript or through an any); the call runs uncached");
}
function ${hashString}(h, s) {
  if (typeof s !== "string") ${notItsType}();
  h = ${mix}(h, s.length);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}
function ${hashNumber}(h, n) {
  if (typeof n !== "number") ${notItsType}();
  if ((n | 0) === n) return ${mix}(h, n); // an int32 (0 and -0 alike): one step
  return ${mix}(${mix}(${mix}(h, n | 0), (n / 4294967296) | 0), ((n - Math.trunc(n)) * 4294967296) | 0);
}
function ${hashBigint}(h, n) {
  if (typeof n !== "bigint") ${notItsType}();
  return ${hashNumber}(h, Number(n));
}
function ${hashBoolean}(h, b) {
  if (b !== true && b !== false) ${notItsType}();
  return ${mix}(h, b ? 1 : 2);
}
function ${hashNullish}(h, v, expected) {
  if (v !== expected) ${notItsType}();
  return ${mix}(h, 3);
}
function ${ownNumber}(n) {
  if (typeof n !== "number") ${notItsType}();
  return n;
}
function ${ownString}(s) {
  if (typeof s !== "string") ${notItsType}();
  return s;
}
function ${sameNumber}(a, b) {
  return a === b || (a !== a && b !== b);
}
class ${Other} {
  constructor(t) {
    this.t = t;
  }
}
let ${depth} = 0;
`;
}
