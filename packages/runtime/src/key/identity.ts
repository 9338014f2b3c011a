/**
 * Per-process identity numbers, for keys that never leave the process (storage=memory): the
 * same function, symbol or prototype always gets the same number, distinct ones never share one.
 * Objects are held weakly; symbols (which cannot all be WeakMap keys) strongly.
 */
const objects = new WeakMap<object, number>();
const symbols = new Map<symbol, number>();
let next = 1;

export function identity(value: object | symbol): number {
  if (typeof value === 'symbol') {
    let id = symbols.get(value);
    if (id === undefined) symbols.set(value, (id = next++));
    return id;
  }
  let id = objects.get(value);
  if (id === undefined) objects.set(value, (id = next++));
  return id;
}
