/**
 * Step 4c: the code around one cached function — the wrapper users call (same name, `length`,
 * `this` and hoisting as the original), and the support code that creates the runtime side on
 * first call.
 *
 * The code is TypeScript that type-checks under `strict` and `noUnusedLocals`, for front ends that
 * check what they are given (ts-loader). The wrapper keeps the function's declared type: a
 * declaration gets the original's signature as an overload (or keeps the original's overloads),
 * a const is cast to the original's type, a method keeps its slot's type. The wrapper's own
 * parameters are `unknown` and optional and it returns `any`, so it fits any declared signature.
 */
import { BUILTIN_STORAGES } from '../annotation.js';
import type { CachedFunctionPlan } from '../plan.js';
import { encoderCode, encoderMembers, hasPositionalEquals } from './encoder.js';
import type { KeyCode } from './key-code.js';
import { type FunctionNames, functionNames, property, RUNTIME } from './names.js';

/** The wrapper's form, name, and the declared type it keeps. */
export type WrapperForm =
  | {
      readonly form: 'function';
      readonly name: string;
      readonly modifiers: string;
      /**
       * The declared signature after the name (`<T>(x: T): R`), written as an overload of the
       * wrapper; undefined when the original has overload signatures, which then precede it.
       */
      readonly signature: string | undefined;
    }
  | {
      readonly form: 'variable';
      readonly name: string;
      /** The type annotation of the const, if it has one: the renamed original gets it too. */
      readonly declaredType: string | undefined;
    }
  | { readonly form: 'method'; readonly method: string; readonly isStatic: boolean };

/** What the wrapper must look like, read from the source by the front end. */
export type WrapperShape = WrapperForm & {
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
  /** `variable` form: the declaration of the original, renamed, up to its initializer. */
  readonly implDeclaration: string;
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
  const { fixedArity } = shape;
  // Passed on through `arguments` (not named) when the arity is not fixed, so marked unused.
  const runtimeNames = fixedArity === undefined ? shape.params.map((p) => `_${p}`) : shape.params;
  const params = ['this: unknown', ...runtimeNames.map((p) => `${p}?: unknown`)].join(', ');
  const call =
    fixedArity === undefined
      ? `return (${names.cf} ?? ${names.get}()).invoke(this, arguments);`
      : hitPath(names, shape.params, fixedArity, hasPositionalEquals(plan.key));
  // A store that is not built in is named at bind time, so configure({ stores }) can check it.
  const store =
    plan.storage === undefined || (BUILTIN_STORAGES as readonly string[]).includes(plan.storage)
      ? ''
      : `, ${JSON.stringify(plan.storage)}`;
  let wrapper: string;
  let after = '';
  let implDeclaration = '';
  if (shape.form === 'function') {
    const declared =
      shape.signature === undefined ? '' : `${shape.modifiers}function ${shape.name}${shape.signature};\n`;
    wrapper = `${declared}${shape.modifiers}function ${shape.name}(${params}): any {\n  ${call}\n}\n`;
    after = `\n${RUNTIME}.bind(${shape.name}, ${names.get}${store});`;
  } else if (shape.form === 'variable') {
    const cast = shape.declaredType === undefined ? ` as typeof ${names.impl}` : '';
    wrapper = `function (${params}): any {\n  ${call}\n}${cast}`;
    after = `\n${RUNTIME}.bind(${shape.name}, ${names.get}${store});`;
    implDeclaration = `const ${names.impl}${shape.declaredType === undefined ? '' : `: ${shape.declaredType}`} = `;
  } else {
    const owner = shape.isStatic ? 'this' : 'this.prototype';
    const slot = property(owner, shape.method);
    const key = /^[A-Za-z_$][\w$]*$/.test(shape.method) ? shape.method : JSON.stringify(shape.method);
    wrapper = [
      'static {',
      `    ${names.impl} = ${slot};`,
      `    ${slot} = ${property(`{ ${key}(${params}): any { ${call} } }`, shape.method)};`,
      `    ${RUNTIME}.bind(${slot}, ${names.get}${store});`,
      '  }',
    ].join('\n');
  }
  const support = [
    `var ${names.cf}: ${RUNTIME}.CachedFunction | undefined;`,
    ...(shape.form === 'method' ? [`var ${names.impl}: (...args: never[]) => unknown;`] : []),
    `function ${names.get}(): ${RUNTIME}.CachedFunction {`,
    `  return (${names.cf} ??= ${RUNTIME}.define(${planLiteral(plan, names, verify, shape.fixedArity)}, ${names.impl}));`,
    '}',
    encoderCode(keys, plan.key, names, shape.fixedArity),
  ].join('\n');
  return { names, wrapper, after, implDeclaration, support };
}

/**
 * The body of a fixed-arity wrapper: the memory tier's hit path written out for this function. It
 * is `callFixed`'s, step for step: the hash; the table's chain for it (`-1` ends a chain), each
 * entry compared with the positional equality, and a walk during which a slot was freed (an
 * argument's getter called a cached function, which evicted) taken as no entry; a fresh entry's
 * value (read before the clock, which may be the application's), with its visit and the hit
 * counted. The runtime takes the rest: `missed` looks past memory with this hash, `failed` takes
 * what the hash or equality threw, and off the hot path (scopes, verify mode, a settings change,
 * no memory tier) `callN` does it all. A change to one of the two hit paths goes to the other.
 *
 * Why here and not in the runtime: V8 inlines calls into an optimised function up to a budget of
 * bytecode, counting each inlined function whole, while the function's own code does not count.
 * Through `call1`, `callFixed` and `findAt`, the chain down to this function's hash and equality
 * went over that budget, and which part ran as calls varied from one process to the next; written
 * here, the budget goes to the hash and equality alone (the bench's object hit: 1.31x -> 1.21x the
 * hand-written memo, and steady between processes).
 */
function hitPath(names: FunctionNames, params: readonly string[], arity: 1 | 2 | 3, equals: boolean): string {
  const args = params.join(', ');
  // Always three after the arity, as `missed` and `failed` take them.
  const padded = [...params, ...Array(3 - arity).fill('undefined')].join(', ');
  const walk = equals
    ? [
        '    if (__cachet$s !== undefined) {',
        '      const __cachet$t = __cachet$m.tier;',
        '      const __cachet$epoch = __cachet$t.epoch;',
        '      for (;;) {',
        `        const __cachet$equal = ${names.equalsAt}(__cachet$t.keys[__cachet$s], this, ${args});`,
        '        if (__cachet$t.epoch !== __cachet$epoch) __cachet$s = undefined;',
        '        else if (!__cachet$equal) {',
        '          __cachet$s = __cachet$t.chain[__cachet$s] as number;',
        '          if (__cachet$s !== -1) continue;',
        '          __cachet$s = undefined;',
        '        }',
        '        break;',
        '      }',
        '    }',
      ]
    : [];
  return [
    `const __cachet$f = ${names.cf} ?? ${names.get}();`,
    '  const __cachet$m = __cachet$f.hot;',
    `  if (__cachet$m === undefined) return __cachet$f.call${arity}(this, ${args});`,
    '  let __cachet$h: unknown;',
    '  let __cachet$s: number | undefined;',
    '  try {',
    `    __cachet$h = ${names.hashAt}(this, ${args});`,
    '    __cachet$s = __cachet$m.map.get(__cachet$h);',
    ...walk,
    '  } catch (__cachet$error) {',
    `    return __cachet$f.failed(__cachet$error, this, ${arity}, ${padded});`,
    '  }',
    '  if (__cachet$s !== undefined) {',
    '    // Read before the clock runs: the slot is only good until the tier changes.',
    '    const __cachet$hit = __cachet$m.hits[__cachet$s];',
    '    if (__cachet$m.mortal === 0 || (__cachet$m.expiresAt[__cachet$s] as number) > __cachet$f.now()) {',
    '      __cachet$m.visited[__cachet$s] = 1;',
    '      __cachet$f.memoryHits++;',
    '      return __cachet$hit;',
    '    }',
    '  }',
    `  return __cachet$f.missed(this, ${arity}, ${padded}, __cachet$h);`,
  ].join('\n');
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
