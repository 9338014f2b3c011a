/**
 * Step 4b: one function's encoder — hash, snapshot, equals, text and (for verify mode) the
 * reflective text over its argument list (`a`, the arguments object) and `self` (`this`, for
 * instance methods keyed by it); for one to three plain parameters, the hash and equality over
 * the arguments as passed (`hashAt`, `equalsAt`) instead of over the list.
 */
import type { KeyPlan } from '../plan.js';
import { functionDeclaration, type Param } from './declare.js';
import type { KeyCode } from './key-code.js';
import { allOf } from './keys/kind.js';
import { type FunctionNames, prelude, RUNTIME } from './names.js';

/** The generated functions of one encoder. */
export type EncoderNames = Omit<FunctionNames, 'impl' | 'cf' | 'get'>;

/** A keyed value: where it is read from a call, and where it sits in the snapshot. */
interface Slot {
  readonly node: KeyPlan['params'][number]['node'];
  readonly value: string;
  readonly stored: string;
  /** A rest parameter starting at this argument index. */
  readonly restFrom?: number;
}

/**
 * The parameters of an encoder function over a call's argument list `a` and its `this`. Typed
 * `any`: generated key code checks at run time what it reads (see prelude.ts), whatever was passed.
 */
const SELF: Param = ['self', 'any'];
const LIST: readonly Param[] = [['a', 'ArrayLike<any>'], SELF];
/** The snapshot `equals` compares with. */
const S: Param = ['s', 'any'];

/** The keyed values of a call, read from the argument list `a`, or from `a0`..`a2` when `positional`. */
function slotsOf(key: KeyPlan, positional = false): Slot[] {
  const slots: Slot[] = key.params.map((p, i) => ({
    node: p.node,
    value: positional ? `a${p.index}` : `a[${p.index}]`,
    stored: `s[${i}]`,
    ...(p.rest ? { restFrom: p.index } : {}),
  }));
  if (key.self !== undefined) slots.push({ node: key.self, value: 'self', stored: `s[${slots.length}]` });
  return slots;
}

/**
 * The encoder's functions. With `arity` (a function of one to three plain parameters, called
 * through the runtime's `call1`..`call3`), the hash and equality are written over positional
 * arguments only (`hashAt`, `equalsAt`), so a hit builds no argument array; the runtime derives
 * the forms over an argument list from them.
 */
export function encoderCode(code: KeyCode, key: KeyPlan, names: EncoderNames, arity?: 1 | 2 | 3): string {
  const slots = slotsOf(key);
  const fn = (name: string, params: readonly Param[], returns: string, lines: string[]): string =>
    functionDeclaration(name, params, returns, lines.join('\n'));
  const common = [
    fn(names.snapshot, LIST, 'unknown[]', snapshotLines(code, slots)),
    fn(names.text, LIST, 'string', textLines(code, slots)),
    fn(names.reflect, LIST, 'string', [`return ${RUNTIME}.reflectKey([${slots.map(reflectedValue).join(', ')}]);`]),
  ];
  if (arity === undefined) {
    return [
      fn(names.hash, LIST, 'unknown', hashBody(code, slots)),
      fn(names.equals, [S, ...LIST], 'boolean', equalsBody(code, slots)),
      ...common,
    ].join('');
  }
  // The forms over an argument list (`hash`, `equals`) the runtime derives from these (see
  // resolveEncoder); a lone number or string key needs no equality at all.
  const positional = slotsOf(key, true);
  const params = Array.from({ length: arity }, (_, i): Param => [`a${i}`, 'any']);
  return [
    fn(names.hashAt, [SELF, ...params], 'unknown', hashBody(code, positional)),
    ...(hasPositionalEquals(key)
      ? [fn(names.equalsAt, [S, SELF, ...params], 'boolean', equalsBody(code, positional))]
      : []),
    ...common,
  ].join('');
}

/** What the plan literal's `encoder` lists: the positional members only where they were generated. */
export function encoderMembers(key: KeyPlan, names: EncoderNames, arity?: 1 | 2 | 3): string {
  const members =
    arity === undefined
      ? (['hash', 'snapshot', 'equals', 'text', 'reflect'] as const)
      : hasPositionalEquals(key)
        ? (['hashAt', 'equalsAt', 'snapshot', 'text', 'reflect'] as const)
        : (['hashAt', 'snapshot', 'text', 'reflect'] as const);
  return `{ ${members.map((m) => `${m}: ${names[m]}`).join(', ')} }`;
}

/** Whether the positional encoder has an equality (`equalsAt`): every key but a lone number or string. */
export function hasPositionalEquals(key: KeyPlan): boolean {
  return !isOwnKey(slotsOf(key, true));
}

/**
 * A lone number or string parameter is its own hash: the memory table (a `Map`, which compares
 * keys as the key contract does: NaN equals NaN, 0 equals -0) then finds the entry by the value
 * itself, with no hashing in JavaScript and no equality check.
 */
function isOwnKey(slots: Slot[]): boolean {
  const [only] = slots;
  return (
    slots.length === 1 &&
    only !== undefined &&
    only.restFrom === undefined &&
    (only.node.kind === 'number' || only.node.kind === 'string')
  );
}

function equalsBody(code: KeyCode, slots: Slot[]): string[] {
  if (slots.every((slot) => slot.restFrom === undefined)) {
    return [allOf(slots.map((slot) => code.equals(slot.node, slot.stored, slot.value)))];
  }
  return [...slots.flatMap((slot) => equalsLines(code, slot)), 'return true;'];
}

/**
 * For verify mode: the keyed values as the runtime's reflective encoder sees them, so the two
 * keys are compared over the same parts (ignored parameters and missing optionals left out).
 */
function reflectedValue(slot: Slot): string {
  return slot.restFrom === undefined ? slot.value : `Array.prototype.slice.call(a, ${slot.restFrom})`;
}

/** The hash of a call (see `isOwnKey` for a lone number or string parameter). */
function hashBody(code: KeyCode, slots: Slot[]): string[] {
  const [only] = slots;
  if (isOwnKey(slots) && only !== undefined) {
    return [`return ${only.node.kind === 'number' ? prelude.ownNumber : prelude.ownString}(${only.value});`];
  }
  return ['let h = 0;', ...slots.flatMap((slot) => hashLines(code, slot)), 'return h;'];
}

function hashLines(code: KeyCode, slot: Slot): string[] {
  if (slot.restFrom === undefined) return [`h = ${code.hash(slot.node, 'h', slot.value)};`];
  return [
    `h = ${prelude.mix}(h, a.length);`,
    `for (let i = ${slot.restFrom}; i < a.length; i++) h = ${code.hash(slot.node, 'h', 'a[i]')};`,
  ];
}

function snapshotLines(code: KeyCode, slots: Slot[]): string[] {
  const rest = slots.find((slot) => slot.restFrom !== undefined);
  const plain = slots.map((slot) => (slot.restFrom === undefined ? code.snapshot(slot.node, slot.value) : 'rest'));
  if (rest === undefined) return [`return [${plain.join(', ')}];`];
  return [
    'const rest: unknown[] = [];',
    `for (let i = ${rest.restFrom}; i < a.length; i++) rest.push(${code.snapshot(rest.node, 'a[i]')});`,
    `return [${plain.join(', ')}];`,
  ];
}

function equalsLines(code: KeyCode, slot: Slot): string[] {
  if (slot.restFrom === undefined) return [`if (!(${code.equals(slot.node, slot.stored, slot.value)})) return false;`];
  const from = slot.restFrom;
  return [
    `if (${slot.stored}.length !== a.length - ${from}) return false;`,
    `for (let i = ${from}; i < a.length; i++) if (!(${code.equals(slot.node, `${slot.stored}[i - ${from}]`, 'a[i]')})) return false;`,
  ];
}

function textLines(code: KeyCode, slots: Slot[]): string[] {
  if (slots.length === 0) return ['return "";'];
  const lines = ['let t = "";'];
  slots.forEach((slot, i) => {
    const separator = i === 0 ? '' : slot.value === 'self' ? '"|" + ' : '"," + ';
    if (slot.restFrom === undefined) {
      lines.push(`t += ${separator}${code.text(slot.node, slot.value)};`);
    } else {
      lines.push(`t += ${separator}"[";`);
      lines.push(
        `for (let i = ${slot.restFrom}; i < a.length; i++) t += (i === ${slot.restFrom} ? "" : ",") + ${code.text(slot.node, 'a[i]')};`,
      );
      lines.push('t += "]";');
    }
  });
  return [...lines, 'return t;'];
}
