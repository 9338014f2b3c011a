/** Generated function declarations, typed. */
import { indent } from './keys/kind.js';

/** A parameter: its name and type. */
export type Param = readonly [name: string, type: string];

/**
 * `function name(params): returns { body }`. A parameter the body never mentions is named
 * `_name`, as `noUnusedParameters` expects of a parameter kept for its position.
 */
export function functionDeclaration(name: string, params: readonly Param[], returns: string, body: string): string {
  const list = params.map(([param, type]) => {
    const used = new RegExp(`(?<![\\w$])${param.replace(/\$/g, '\\$')}(?![\\w$])`).test(body);
    return `${used ? param : `_${param}`}: ${type}`;
  });
  return `function ${name}(${list.join(', ')}): ${returns} {\n${indent(body)}\n}\n`;
}
