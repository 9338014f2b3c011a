/**
 * Approximate heap bytes of a value, for the memory tier's byte limit. Walks at most `budget`
 * nodes and counts shared objects once; past the budget the estimate is a lower bound. Reading
 * the value runs its getters (as JSON encoding does): one that throws counts as `undefined`, and a
 * proxy's trap or an iterator that throws ends the walk with what was counted so far, so a
 * returned value never fails the call.
 */
export function approximateSize(value: unknown, budget = 2000): number {
  // Most keys and many values are primitives: no walk, no allocation.
  if (typeof value === 'string') return 16 + value.length * 2;
  if (typeof value !== 'object' || value === null) return 8;
  const seen = new Set<object>();
  const queue: unknown[] = [value];
  let bytes = 0;
  while (queue.length > 0 && budget-- > 0) {
    const item = queue.pop();
    switch (typeof item) {
      case 'string':
        bytes += 16 + item.length * 2;
        break;
      case 'object':
        if (item === null || seen.has(item)) {
          bytes += 8;
          break;
        }
        seen.add(item);
        try {
          bytes += sizeOfObject(item, queue);
        } catch {
          return bytes; // a proxy's trap or an iterator threw: what was counted so far
        }
        break;
      default:
        bytes += 8;
    }
  }
  return bytes;
}

function sizeOfObject(item: object, queue: unknown[]): number {
  if (ArrayBuffer.isView(item)) return 64 + item.byteLength;
  if (item instanceof ArrayBuffer) return 32 + item.byteLength;
  if (item instanceof Map) {
    for (const [k, v] of item) queue.push(k, v);
    return 64 + item.size * 24;
  }
  if (item instanceof Set) {
    for (const v of item) queue.push(v);
    return 64 + item.size * 16;
  }
  if (Array.isArray(item)) {
    for (const v of item) queue.push(v);
    return 32 + item.length * 8;
  }
  const keys = Object.keys(item);
  for (const k of keys) queue.push(propertyOf(item as Record<string, unknown>, k));
  return 32 + keys.length * 16;
}

/** A property's value; undefined when its getter throws (the value is what the function returned). */
function propertyOf(item: Record<string, unknown>, key: string): unknown {
  try {
    return item[key];
  } catch {
    return undefined;
  }
}
