/**
 * Step 4c: the code around one cached function — the wrapper users call (same name, `length`,
 * `this` and hoisting as the original), and the support code that creates the runtime side on
 * first call.
 */
import { BUILTIN_STORAGES } from '../annotation.js';
import type { CachedFunctionPlan } from '../plan.js';
import { encoderCode, encoderMembers } from './encoder.js';
import type { KeyCode } from './key-code.js';
import { type FunctionNames, functionNames, property, RUNTIME } from './names.js';

/** What the wrapper must look like, read from the source by the front end. */
export type WrapperShape = (
  | { readonly form: 'function'; readonly name: string; readonly modifiers: string }
  | { readonly form: 'variable'; readonly name: string }
  | { readonly form: 'method'; readonly method: string; readonly isStatic: boolean }
) & {
  /** The wrapper's parameter names (up to the first default or rest parameter, for `length`). */
  readonly params: readonly string[];
  /**
   * 1 to 3 when the function has exactly that many plain parameters and never reads
   * `arguments`: the wrapper then calls the runtime's fixed-arity entry (`call1`..`call3`),
   * which needs no arguments object on a hit.
   */
  readonly fixedArity?: 1 | 2 | 3;
};

export interface FunctionCode {
  readonly names: FunctionNames;
  /**
   * `function`: a declaration placed before the original; `variable`: the function expression
   * that replaces the initializer; `method`: a static block placed first in the class body.
   */
  readonly wrapper: string;
  /** A statement right after the function's own statement (`function` and `variable` forms). */
  readonly after: string;
  /** Module-level code, placed at the end of the file (all of it hoisted). */
  readonly support: string;
}

export function functionCode(props: {
  plan: CachedFunctionPlan;
  shape: WrapperShape;
  keys: KeyCode;
  /** Run this function in verify mode (the plugin's `verify` option). */
  verify: boolean;
}): FunctionCode {
  const { plan, shape, keys, verify } = props;
  const names = functionNames(plan.localName);
  const params = shape.params.join(', ');
  const entry = shape.fixedArity === undefined ? 'invoke(this, arguments)' : `call${shape.fixedArity}(this, ${params})`;
  const call = `return (${names.cf} ?? ${names.get}()).${entry};`;
  // A store that is not built in is named at bind time, so configure({ stores }) can check it.
  const store =
    plan.storage === undefined || (BUILTIN_STORAGES as readonly string[]).includes(plan.storage)
      ? ''
      : `, ${JSON.stringify(plan.storage)}`;
  let wrapper: string;
  let after = '';
  if (shape.form === 'function') {
    wrapper = `${shape.modifiers}function ${shape.name}(${params}) {\n  ${call}\n}\n`;
    after = `\n${RUNTIME}.bind(${shape.name}, ${names.get}${store});`;
  } else if (shape.form === 'variable') {
    wrapper = `function (${params}) {\n  ${call}\n}`;
    after = `\n${RUNTIME}.bind(${shape.name}, ${names.get}${store});`;
  } else {
    const owner = shape.isStatic ? 'this' : 'this.prototype';
    const slot = property(owner, shape.method);
    const key = /^[A-Za-z_$][\w$]*$/.test(shape.method) ? shape.method : JSON.stringify(shape.method);
    wrapper = [
      'static {',
      `    ${names.impl} = ${slot};`,
      `    ${slot} = ${property(`{ ${key}(${params}) { ${call} } }`, shape.method)};`,
      `    ${RUNTIME}.bind(${slot}, ${names.get}${store});`,
      '  }',
    ].join('\n');
  }
  const support = [
    `var ${names.cf}${shape.form === 'method' ? `, ${names.impl}` : ''};`,
    `function ${names.get}() {`,
    `  return (${names.cf} ??= ${RUNTIME}.define(${planLiteral(plan, names, verify, shape.fixedArity)}, ${names.impl}));`,
    '}',
    encoderCode(keys, plan.key, names, shape.fixedArity),
  ].join('\n');
  return { names, wrapper, after, support };
}

function planLiteral(
  plan: CachedFunctionPlan,
  names: FunctionNames,
  verify: boolean,
  arity: 1 | 2 | 3 | undefined,
): string {
  const fields: string[] = [`id: ${JSON.stringify(plan.id)}`];
  if (plan.version !== undefined) fields.push(`version: ${JSON.stringify(plan.version)}`);
  if (plan.ttl !== undefined) fields.push(`ttl: ${JSON.stringify(plan.ttl)}`);
  if (plan.swr !== undefined) fields.push(`swr: ${JSON.stringify(plan.swr)}`);
  if (plan.storage !== undefined) fields.push(`storage: ${JSON.stringify(plan.storage)}`);
  fields.push(`async: ${plan.async}`);
  if (plan.codec !== undefined) fields.push(`codec: ${JSON.stringify(plan.codec)}`);
  if (verify) fields.push('verify: true');
  fields.push(`encoder: ${encoderMembers(plan.key, names, arity)}`);
  return `{\n    ${fields.join(',\n    ')},\n  }`;
}
