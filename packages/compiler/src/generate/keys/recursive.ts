/** Key code for recursive types: their helpers count how deep they are nested. */
import { MAX_DEPTH, prelude } from '../names.js';
import { indent } from './kind.js';

/**
 * A recursive type's helper counts how deep it is nested: past MAX_DEPTH (a very deep or a
 * cyclic value) the call runs uncached instead of overflowing the stack.
 */
export function depthLimited(body: string): string {
  const { depth, tooDeep } = prelude;
  return [
    'try {',
    `  if (++${depth} > ${MAX_DEPTH}) ${tooDeep}();`,
    indent(body),
    '} finally {',
    `  ${depth}--;`,
    '}',
  ].join('\n');
}
