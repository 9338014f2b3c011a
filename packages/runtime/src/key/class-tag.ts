import { identity } from './identity.js';
import { uncacheable } from './uncacheable.js';

/**
 * How a class enters a key. In a key that stays in the process (storage=memory) it is the
 * prototype's identity number (`#12`), so two classes never share a tag. In a persistent key it
 * is the constructor's name (`"Cat"`); should two different classes of one name meet in this
 * process, their instances become uncacheable rather than share keys.
 */
export class ClassTags {
  private readonly byName = new Map<string, object>();

  tag(prototype: object, local: boolean): string {
    if (local) return `#${identity(prototype)}`;
    const name = className(prototype);
    const seen = this.byName.get(name);
    if (seen === undefined) this.byName.set(name, prototype);
    else if (seen !== prototype) {
      uncacheable(
        `two different classes named ${name || '(anonymous)'} cannot be told apart in a persistent key; rename one, or use storage=memory`,
      );
    }
    return quoteName(name);
  }
}

/** The name a prototype's constructor carries, or '' for anonymous classes. */
export function className(prototype: object | null): string {
  if (prototype === null) return 'null';
  const ctor = (prototype as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor === 'function' ? ctor.name : undefined;
  return typeof name === 'string' ? name : '';
}

function quoteName(name: string): string {
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}
