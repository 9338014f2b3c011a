import { isIndex } from './leaves.js';

/** How `parent` holds `child`: `[2]`, `.name`, `<key>`, `<item>`; read from data properties only (no getters run). */
export function step(parent: object, child: unknown): string {
  if (parent instanceof Map) {
    for (const [k, v] of Map.prototype.entries.call(parent))
      if (v === child || k === child) return k === child ? '<key>' : '<value>';
  }
  if (parent instanceof Set) return '<item>';
  const own = Object.getOwnPropertyDescriptors(parent) as Record<PropertyKey, PropertyDescriptor>;
  for (const key of Reflect.ownKeys(own)) {
    if (!('value' in (own[key] as PropertyDescriptor)) || (own[key] as PropertyDescriptor).value !== child) continue;
    if (typeof key === 'symbol') return `[${String(key)}]`;
    if (Array.isArray(parent) && isIndex(key)) return `[${key}]`;
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return '.?';
}
