/**
 * Step 4b: one function's encoder — hash, snapshot, equals, text and (for verify mode) the
 * reflective text over its argument list
 * (`a`, the arguments object) and `self` (`this`, for instance methods keyed by it).
 */
import type { KeyPlan } from '../plan.js';
import type { KeyCode } from './key-code.js';
import { prelude, RUNTIME } from './names.js';

export interface EncoderNames {
  readonly hash: string;
  readonly snapshot: string;
  readonly equals: string;
  readonly text: string;
  readonly reflect: string;
}

/** A keyed value: where it is read from a call, and where it sits in the snapshot. */
interface Slot {
  readonly node: KeyPlan['params'][number]['node'];
  readonly value: string;
  readonly stored: string;
  /** A rest parameter starting at this argument index. */
  readonly restFrom?: number;
}

function slotsOf(key: KeyPlan): Slot[] {
  const slots: Slot[] = key.params.map((p, i) => ({
    node: p.node,
    value: `a[${p.index}]`,
    stored: `s[${i}]`,
    ...(p.rest ? { restFrom: p.index } : {}),
  }));
  if (key.self !== undefined) slots.push({ node: key.self, value: 'self', stored: `s[${slots.length}]` });
  return slots;
}

export function encoderCode(code: KeyCode, key: KeyPlan, names: EncoderNames): string {
  const slots = slotsOf(key);
  const fn = (name: string, params: string, lines: string[]): string =>
    `function ${name}(${params}) {\n${lines.map((l) => `  ${l}`).join('\n')}\n}\n`;
  return [
    fn(names.hash, 'a, self', hashBody(code, slots)),
    fn(names.snapshot, 'a, self', snapshotLines(code, slots)),
    fn(names.equals, 's, a, self', [...slots.flatMap((slot) => equalsLines(code, slot)), 'return true;']),
    fn(names.text, 'a, self', textLines(code, slots)),
    fn(names.reflect, 'a, self', [`return ${RUNTIME}.reflectKey([${slots.map(reflectedValue).join(', ')}]);`]),
  ].join('');
}

/**
 * For verify mode: the keyed values as the runtime's reflective encoder sees them, so the two
 * keys are compared over the same parts (ignored parameters and missing optionals left out).
 */
function reflectedValue(slot: Slot): string {
  return slot.restFrom === undefined ? slot.value : `Array.prototype.slice.call(a, ${slot.restFrom})`;
}

/**
 * The hash of a call. A lone number or string parameter is its own hash: the memory table (a
 * `Map`) then finds the entry by the value itself, with no hashing in JavaScript at all.
 */
function hashBody(code: KeyCode, slots: Slot[]): string[] {
  const [only] = slots;
  if (slots.length === 1 && only !== undefined && only.restFrom === undefined) {
    if (only.node.kind === 'number') return [`return ${prelude.ownNumber}(${only.value});`];
    if (only.node.kind === 'string') return [`return ${prelude.ownString}(${only.value});`];
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
    'const rest = [];',
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
