/**
 * Hash helpers shared by every encoder of a file: allocation-free, 32-bit FNV-1a style mixing; the
 * snapshot of a value keyed by the runtime's `instanceText` (`Other`); the depth of recursive types.
 */
import { MAX_DEPTH, prelude, RUNTIME } from './names.js';

export function preludeCode(): string {
  const { mix, hashString, hashNumber, sameNumber, Other, depth, tooDeep } = prelude;
  return `function ${mix}(h, x) {
  return Math.imul(h ^ x, 16777619);
}
function ${hashString}(h, s) {
  h = ${mix}(h, s.length);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}
function ${hashNumber}(h, n) {
  return ${mix}(${mix}(${mix}(h, n | 0), (n / 4294967296) | 0), ((n % 1) * 4294967296) | 0);
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
function ${tooDeep}() {
  ${RUNTIME}.uncacheable(${JSON.stringify(`a value of a recursive type nested more than ${MAX_DEPTH} levels deep (or cyclic) cannot be keyed; the call runs uncached`)});
}
`;
}
