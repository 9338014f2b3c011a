import {
  type Builtin,
  boxedValue,
  builtinAt,
  builtinOf,
  bytesHex,
  dateTime,
  Kind,
  mapEntries,
  paramsString,
  regexpText,
  setItems,
  urlText,
} from './builtins.js';
import { ClassTags, className } from './class-tag.js';
import { isIndex, isObject, primitive, quote, sortKeys, symbolText } from './leaves.js';
import { cacheKey } from './symbols.js';
import { Uncacheable, uncacheable } from './uncacheable.js';
import { step } from './where.js';

/**
 * The reflective key encoder: used by `cached()` without `key`, and by compiled code for
 * parameters typed `any`, `unknown` or an unconstrained type parameter.
 *
 * Canonical (equal values give equal text: object keys sorted, Map and Set entries sorted by
 * their text) and injective (every value is tagged by its kind, strings are quoted). Iterative,
 * with an explicit stack, so a value nested 100 000 deep encodes like a flat one; a cycle is a
 * back-reference (`^n`: the n-th enclosing object), so cyclic values terminate, canonically.
 *
 * It never guesses: a value whose state it cannot see (a class instance without `[cacheKey]()`,
 * a WeakMap, a function or a non-registered symbol in a key that leaves the process) throws the
 * `Uncacheable` signal, and that call runs uncached. `local` is true for keys that never leave
 * the process (storage=memory): functions, symbols and classes are then keyed by identity.
 *
 * Text: `u` undefined, `n` null, `t`/`f`, `d` number, `s"…"` string, `b` bigint, `y"…"`
 * Symbol.for, `Y7`/`F7` a symbol/function by identity, `[…]` array, `{"k":…,@y"s":…}` object
 * (`O{…}` without a prototype),
 * `D` Date, `M{k=>v,…}` Map, `S{…}` Set, `T<type>:<hex>` bytes, `R"src/flags"` RegExp, `U"…"`
 * URL, `P"…"` URLSearchParams, `E(name,message,cause,errors){fields}` Error, `N(…)` boxed
 * primitive, `K<class>(…)` a `[cacheKey]()` result, `C<class>(built-in|-){fields}` a subclass of
 * a built-in (or, from `instanceText`, any class instance), `^n` a cycle. `<class>` is `"Name"`,
 * or `#7` in local keys.
 */
export function reflectKey(value: unknown, local = false): string {
  if (!isObject(value)) return primitive(value, local);
  return new Encoder(local, '$').run(value, false);
}

/** The key text of a whole argument list: the arguments' `reflectKey` texts joined by commas. */
export function reflectArgs(args: ArrayLike<unknown>, local = false): string {
  let out = '';
  let encoder: Encoder | undefined;
  for (let i = 0; i < args.length; i++) {
    const value = args[i];
    if (i > 0) out += ',';
    if (!isObject(value)) out += primitive(value, local);
    else {
      encoder ??= new Encoder(local, '');
      encoder.root = `$[${i}]`;
      out += encoder.run(value, false);
    }
  }
  return out;
}

/**
 * The key text of a value whose class at run time is not the declared one (a subclass, another
 * class of a union): its class, its built-in value when it extends a built-in, and its own
 * enumerable fields, reflectively.
 */
export function instanceText(value: object, local: boolean): string {
  return new Encoder(local, '$').run(value, true);
}

/** Past this many enclosing objects a value is refused (the call runs uncached). */
export const MAX_DEPTH = 1_000_000;

const classTags = new ClassTags();

/** Work items: what the stack holds next to each argument. */
const VALUE = 0; // encode the argument
const TEXT = 1; // append the argument (a string)
const LEAVE = 2; // the argument (an object) is no longer an ancestor
const ENTRY = 3; // an entry of the unordered collection (the argument) ends here
const UNORDERED = 4; // the unordered collection (the argument) ends here
const FIELDS = 5; // append the own enumerable fields of the argument (an object)
const INDEXED_FIELDS = 6; // the same, leaving out array indices

/** An unordered collection in progress: the text before it, and its entries' texts. */
interface Unordered {
  readonly before: string;
  readonly open: string;
  readonly entries: string[];
}

class Encoder {
  private out = '';
  private readonly ops: number[] = [];
  private readonly args: unknown[] = [];
  /** Enclosing objects and their depth, for back-references. */
  private readonly ancestors = new Map<object, number>();

  /** The value being encoded, for the place named in a refusal. */
  private current: unknown;

  constructor(
    private readonly local: boolean,
    /** How a refusal names the root value. */
    public root: string,
  ) {}

  run(root: object, instance: boolean): string {
    this.out = '';
    try {
      this.current = root;
      this.object(root, instance);
      this.drain();
      return this.out;
    } catch (error) {
      if (error instanceof Uncacheable && error.where === undefined) error.at(this.where());
      throw error;
    } finally {
      this.ops.length = 0;
      this.args.length = 0;
      this.ancestors.clear();
      this.current = undefined;
    }
  }

  private drain(): void {
    const { ops, args } = this;
    while (ops.length > 0) {
      const op = ops.pop() as number;
      const arg = args.pop();
      switch (op) {
        case VALUE:
          this.current = arg;
          if (isObject(arg)) this.object(arg, false);
          else this.out += primitive(arg, this.local);
          break;
        case TEXT:
          this.out += arg as string;
          break;
        case LEAVE:
          this.ancestors.delete(arg as object);
          break;
        case ENTRY:
          (arg as Unordered).entries.push(this.out);
          this.out = '';
          break;
        case UNORDERED: {
          const { before, open, entries } = arg as Unordered;
          this.out = `${before}${open}{${entries.sort().join(',')}}`;
          break;
        }
        default:
          this.fields(arg as object, op === INDEXED_FIELDS);
      }
    }
  }

  /** The path from the root to the value being encoded (read only on a refusal). */
  private where(): string {
    const chain = [...this.ancestors.keys()];
    if (chain[chain.length - 1] !== this.current) chain.push(this.current as object);
    let out = this.root;
    for (let i = 1; i < chain.length; i++) out += step(chain[i - 1] as object, chain[i]);
    return out;
  }

  private push(op: number, arg: unknown): void {
    this.ops.push(op);
    this.args.push(arg);
  }

  /** Encodes an object (a function counts): appends leaves, pushes the work for members. */
  private object(value: object, instance: boolean): void {
    const depth = this.ancestors.get(value);
    if (depth !== undefined) {
      this.out += `^${this.ancestors.size - depth}`;
      return;
    }
    if (typeof value === 'function') {
      this.out += primitive(value, this.local);
      return;
    }
    if (this.ancestors.size >= MAX_DEPTH) uncacheable(`a value nested deeper than ${MAX_DEPTH} levels cannot be keyed`);
    this.ancestors.set(value, this.ancestors.size);
    this.push(LEAVE, value);

    const custom = (value as { [cacheKey]?: unknown })[cacheKey];
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (typeof custom === 'function') {
      this.out += `K${prototype === null ? '-' : classTags.tag(prototype, this.local)}(`;
      this.push(TEXT, ')');
      this.push(VALUE, custom.call(value));
      return;
    }
    if (prototype === Object.prototype) {
      this.fields(value, false);
      return;
    }
    if (prototype === null) {
      // A dictionary without a prototype behaves otherwise (`toString`, `"constructor" in o`).
      this.out += 'O';
      this.fields(value, false);
      return;
    }
    if (prototype === Array.prototype) {
      this.array(value as unknown[]);
      return;
    }
    const exact = builtinAt(prototype);
    const builtin = exact ?? builtinOf(prototype);
    if (builtin.kind === Kind.Unkeyable) {
      uncacheable(
        `a ${builtin.name} cannot be part of a cache key: its state cannot be read or may change under the key; leave it out with ignore=, or pass what it stands for`,
      );
    }
    if (exact !== undefined) {
      if (builtin.kind === Kind.Error) this.push(FIELDS, value);
      this.builtin(value, builtin);
      return;
    }
    if (builtin.kind === Kind.Other && !instance) {
      const name = className(prototype);
      const what = name === '' ? 'instances of an anonymous class' : `${name} instances`;
      uncacheable(
        `${what} cannot be part of a cache key: Cachet cannot see all of their state; add a [cacheKey]() method to ${name || 'the class'}, or pass a plain object`,
      );
    }
    // A subclass of a built-in (or any class, for instanceText): class, built-in value, own fields.
    this.out += `C${classTags.tag(prototype, this.local)}(`;
    const indexed =
      builtin.kind === Kind.Array ||
      builtin.kind === Kind.Typed ||
      (builtin.kind === Kind.Boxed && builtin.name === 'String');
    this.push(indexed ? INDEXED_FIELDS : FIELDS, value);
    this.push(TEXT, ')');
    if (builtin.kind === Kind.Other) this.out += '-';
    else this.builtin(value, builtin);
  }

  /** The internal value of a built-in: appended (leaves) or pushed (containers). */
  private builtin(value: object, builtin: Builtin): void {
    switch (builtin.kind) {
      case Kind.Array:
        this.array(value as unknown[]);
        return;
      case Kind.Date:
        this.out += `D${dateTime(value)}`;
        return;
      case Kind.Map:
        this.unordered('M', mapEntries(value), 2);
        return;
      case Kind.Set:
        this.unordered('S', setItems(value), 1);
        return;
      case Kind.RegExp:
        this.out += `R${quote(regexpText(value))}`;
        return;
      case Kind.Url:
        this.out += `U${quote(urlText(value))}`;
        return;
      case Kind.UrlSearchParams:
        this.out += `P${quote(paramsString(value))}`;
        return;
      case Kind.ArrayBuffer:
      case Kind.Typed:
      case Kind.DataView:
        this.out += `T${builtin.name}:${bytesHex(value, builtin.kind)}`;
        return;
      case Kind.Boxed:
        this.out += 'N(';
        this.push(TEXT, ')');
        this.push(VALUE, boxedValue(value, builtin));
        return;
      default:
        this.error(value as Error, builtin);
    }
  }

  private array(value: ArrayLike<unknown>): void {
    this.out += '[';
    this.push(TEXT, ']');
    for (let i = value.length - 1; i >= 0; i--) {
      this.push(VALUE, value[i]);
      if (i > 0) this.push(TEXT, ',');
    }
  }

  /** Name, message, cause and (AggregateError) errors; `-` for an absent cause or errors. */
  private error(value: Error, builtin: Builtin): void {
    const has = (key: string) => Object.hasOwn(value, key);
    this.out += 'E(';
    this.push(TEXT, ')');
    if (builtin.name === 'AggregateError' && has('errors')) this.push(VALUE, (value as AggregateError).errors);
    else this.push(TEXT, '-');
    this.push(TEXT, ',');
    if (has('cause')) this.push(VALUE, value.cause);
    else this.push(TEXT, '-');
    this.push(TEXT, ',');
    this.push(VALUE, value.message);
    this.push(TEXT, ',');
    this.push(VALUE, value.name);
  }

  /** Map entries (`width` 2: key, value) or Set items, sorted by their text once encoded. */
  private unordered(open: string, items: unknown[], width: 1 | 2): void {
    const collection: Unordered = { before: this.out, open, entries: [] };
    this.out = '';
    this.push(UNORDERED, collection);
    for (let i = items.length - width; i >= 0; i -= width) {
      this.push(ENTRY, collection);
      if (width === 2) {
        this.push(VALUE, items[i + 1]);
        this.push(TEXT, '=>');
      }
      this.push(VALUE, items[i]);
    }
  }

  /**
   * Own enumerable string keys (sorted), then own enumerable symbol keys (sorted by their text):
   * `{"a":d1,"b":d2,@y"tag":t}`. `skipIndices` leaves out what the built-in part already holds.
   */
  private fields(value: object, skipIndices: boolean): void {
    let keys = sortKeys(Object.keys(value));
    if (skipIndices) keys = keys.filter((key) => !isIndex(key));
    const symbols = Object.getOwnPropertySymbols(value);
    const record = value as Record<PropertyKey, unknown>;
    this.out += '{';
    this.push(TEXT, '}');
    if (symbols.length > 0) {
      const keyed: [string, symbol][] = [];
      for (const symbol of symbols) {
        if (Object.prototype.propertyIsEnumerable.call(value, symbol))
          keyed.push([symbolText(symbol, this.local), symbol]);
      }
      keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (let i = keyed.length - 1; i >= 0; i--) {
        const [text, symbol] = keyed[i] as [string, symbol];
        this.push(VALUE, record[symbol]);
        this.push(TEXT, `${i === 0 && keys.length === 0 ? '' : ','}@${text}:`);
      }
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      this.push(VALUE, record[key]);
      this.push(TEXT, `${i === 0 ? '' : ','}${quote(key)}:`);
    }
  }
}
