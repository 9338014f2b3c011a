/** Key code for recursive types: their helpers count how deep they are nested. */
import { MAX_DEPTH, prelude, RUNTIME } from '../names.js';
import { type Bodies, indent } from './kind.js';

/**
 * A recursive type's helpers count how deep they are nested. Past MAX_DEPTH (a very deep or a
 * cyclic value) the rest of the value is keyed by the runtime's reflective encoder, which walks
 * with an explicit stack and keys cycles with back-references: no stack overflow, and equal
 * cyclic values share a key. (What the reflective encoder cannot key runs the call uncached.)
 */
export function depthLimited(bodies: Bodies): Bodies {
  const rest = `${RUNTIME}.reflectKey(v)`;
  const { Other, hashString, mix } = prelude;
  return {
    ...bodies,
    hash: limited(bodies.hash, `return ${hashString}(${mix}(h, 9), ${rest});`),
    snapshot: limited(bodies.snapshot, `return new ${Other}(${rest});`),
    equals: limited(bodies.equals, `return s instanceof ${Other} && s.t === ${rest};`),
    text: limited(bodies.text, `return "@" + ${rest};`),
  };
}

function limited(body: string, beyond: string): string {
  const { depth } = prelude;
  return [
    'try {',
    `  if (++${depth} > ${MAX_DEPTH}) ${beyond}`,
    indent(body),
    '} finally {',
    `  ${depth}--;`,
    '}',
  ].join('\n');
}
