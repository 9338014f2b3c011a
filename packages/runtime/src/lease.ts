import type { EntryKey, StoredEntry } from './store.js';
import type { Tier } from './tier.js';

/**
 * The cross-process herd, from the waiting side: take the lease on `key`, or wait until its
 * owner stores a fresh entry — woken by the store's `changed` notice where it has one, else
 * polling with back-off. The lease's own expiry bounds the wait if the
 * owner dies, and so does `leaseMs` here. Returns the owner's entry, or undefined when this
 * process should compute (it holds the lease now, or it waited long enough).
 */
export async function awaitLease(
  tier: Tier,
  key: EntryKey,
  leaseMs: number,
  isFresh: (entry: StoredEntry) => boolean,
): Promise<StoredEntry | undefined> {
  const deadline = Date.now() + leaseMs;
  let delay = 2;
  while (!(await tier.acquireLease(key, leaseMs))) {
    if (Date.now() >= deadline) return undefined;
    // Through the tier's guard: a store failing here is reported and skipped, and the next
    // acquireLease (skipped too) lets this process compute.
    if (tier.store.changed !== undefined) await tier.changed(key, delay * 8);
    else await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
    const entry = await tier.get(key);
    if (entry !== undefined && isFresh(entry)) return entry;
  }
  return undefined;
}
