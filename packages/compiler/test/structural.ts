/** The oracle for property tests: structural equality of values, written independently of the compiler. */

export function structurallyEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => structurallyEqual(x, b[i]));
  if (a instanceof Date) return b instanceof Date && structurallyEqual(a.getTime(), b.getTime());
  if (a instanceof Map) {
    return (
      b instanceof Map &&
      sameMultiset([...a], [...b], ([k1, v1], [k2, v2]) => structurallyEqual(k1, k2) && structurallyEqual(v1, v2))
    );
  }
  if (a instanceof Set) return b instanceof Set && sameMultiset([...a], [...b], structurallyEqual);
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    return (
      a.constructor === b.constructor &&
      x.length === y.length &&
      Array.from(x).every((v, i) => structurallyEqual(v, y[i]))
    );
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length && keysA.every((k) => k in b && structurallyEqual((a as never)[k], (b as never)[k]))
  );
}

function sameMultiset<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  const used = new Set<number>();
  return a.every((x) => {
    const i = b.findIndex((y, j) => !used.has(j) && eq(x, y));
    if (i === -1) return false;
    used.add(i);
    return true;
  });
}

/** A deep copy with Map and Set insertion order and object key order reversed. */
export function reorderedCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(reorderedCopy) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof Map)
    return new Map([...value].reverse().map(([k, v]) => [reorderedCopy(k), reorderedCopy(v)])) as T;
  if (value instanceof Set) return new Set([...value].reverse().map(reorderedCopy)) as T;
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): T }).slice();
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) copy[key] = reorderedCopy((value as Record<string, unknown>)[key]);
  return copy as T;
}
