/**
 * Reads in a burst share one read transaction (`SharedReads`): a store's second read in one
 * event-loop turn opens it, and it ends when the loop turns, after `SHARED_READ_SPAN` ms, or when
 * the connection writes. What another connection commits meanwhile is seen at that end,
 * never later; what the store itself writes is seen at once. Both bindings, real files.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../src/stores/sqlite/driver/driver.js';
import { SHARED_READ_SPAN, SharedReads } from '../../src/stores/sqlite/shared-reads.js';
import { createSqliteStore, type SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectTo, connectToStore, describeDrivers } from './drivers.js';
import { manualClock, nextTick, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const stores: SqliteStore[] = [];
const opened: SqliteDatabase[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const db of opened.splice(0)) db.close();
});

describeDrivers('shared reads', (driver) => {
  function open(dir: string, now: () => number): SqliteStore {
    const store = createSqliteStore({ driver: driver.name, dir, now });
    stores.push(store);
    return store;
  }

  /** A store with `a` committed, and another connection to its file. */
  async function storeAndWriter(now: () => number): Promise<{ store: SqliteStore; writer: SqliteDatabase }> {
    const dir = tempDir();
    const store = open(dir, now);
    store.set(entryKey('f', 'a'), entry('first'));
    store.flush();
    const writer = connectToStore(driver, dir, opened);
    return { store, writer };
  }

  /** What another process does: replaces the value of `f(a)` and commits. */
  function replaceElsewhere(writer: SqliteDatabase, value: string): void {
    const key = entryKey('f', 'a');
    writer.prepare('UPDATE entries SET value = ? WHERE hash = ?').run(JSON.stringify(value), key.hash);
  }

  /**
   * A store whose reads of `f(a)` share a read transaction (two reads in this turn) that began
   * before another connection committed `second` for it.
   */
  async function sharedReadOverWrite() {
    const clock = manualClock();
    const { store, writer } = await storeAndWriter(clock.now);
    const key = entryKey('f', 'a');
    store.get(key);
    store.get(key);
    replaceElsewhere(writer, 'second');
    return { clock, store, writer, key };
  }

  describe('a store', () => {
    it('reads on its own when each read has an event-loop turn of its own: each sees the latest commit', async () => {
      const clock = manualClock();
      const { store, writer } = await storeAndWriter(clock.now);
      for (const value of ['second', 'third']) {
        expect(store.get(entryKey('f', 'a'))?.value).not.toBe(value);
        await nextTick();
        replaceElsewhere(writer, value);
        expect(store.get(entryKey('f', 'a'))?.value).toBe(value);
        await nextTick();
      }
    });

    it('shares a snapshot among reads in one event-loop turn, until the loop turns', async () => {
      const clock = manualClock();
      const { store, writer } = await storeAndWriter(clock.now);
      const key = entryKey('f', 'a');
      expect(store.get(key)?.value).toBe('first'); // on its own
      expect(store.get(key)?.value).toBe('first'); // opens the shared read
      replaceElsewhere(writer, 'second');
      expect(store.get(key)?.value).toBe('first');
      expect(store.getFresh(key, clock.now())).toBe('first');
      await nextTick();
      expect(store.get(key)?.value).toBe('second');
    });

    it('ends a shared read after SHARED_READ_SPAN ms even when the event loop does not turn', async () => {
      const { clock, store, writer, key } = await sharedReadOverWrite();
      clock.advance(SHARED_READ_SPAN - 1);
      expect(store.get(key)?.value).toBe('first');
      clock.advance(1);
      expect(store.get(key)?.value).toBe('second');
      replaceElsewhere(writer, 'third');
      clock.advance(-5_000); // a clock set back: the shared read ends too
      expect(store.get(key)?.value).toBe('third');
    });

    it('reads its own writes at once: a delete, a clear and a commit each end the shared read', async () => {
      const { store, writer, key } = await sharedReadOverWrite();
      expect(store.delete(entryKey('f', 'other'))).toBe(false);
      expect(store.get(key)?.value).toBe('second'); // the delete's transaction ended the snapshot
      replaceElsewhere(writer, 'third');
      store.set(entryKey('g', 'b'), entry('b'));
      store.flush();
      expect(store.get(key)?.value).toBe('third');
      expect(store.delete(key)).toBe(true);
      expect(store.get(key)).toBeUndefined();
      store.set(key, entry('mine'));
      expect(store.get(key)?.value).toBe('mine'); // pending, from the write batch
      store.flush();
      expect(store.get(key)?.value).toBe('mine');
      expect(store.clear('f')).toBe(1);
      expect(store.get(key)).toBeUndefined();
    });

    it('takes no lease over an entry another connection committed during a shared read', async () => {
      const clock = manualClock();
      const dir = tempDir();
      const store = open(dir, clock.now);
      const key = entryKey('f', 'a');
      expect(store.get(key)).toBeUndefined();
      expect(store.get(key)).toBeUndefined(); // the shared read: sees no entry
      const other = createSqliteStore({ driver: driver.name, dir });
      stores.push(other);
      other.set(key, entry('theirs'));
      other.flush();
      expect(store.get(key)).toBeUndefined(); // still the snapshot
      expect(store.acquireLease(key, 60_000)).toBe(false); // the lease reads the latest commit
      expect(store.get(key)?.value).toBe('theirs');
    });

    it('closes with a shared read open, and the turn after does nothing', async () => {
      const clock = manualClock();
      const { store } = await storeAndWriter(clock.now);
      store.get(entryKey('f', 'a'));
      store.get(entryKey('f', 'a'));
      store.close();
      await nextTick();
      expect(() => store.close()).not.toThrow();
    });
  });

  describe('the connection', () => {
    function pair(): { shared: SharedReads; writer: SqliteDatabase } {
      const file = join(tempDir(), 'db.sqlite');
      const first = connectTo(driver, file);
      opened.push(first);
      first.exec(
        "PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')",
      );
      const shared = new SharedReads(first);
      const writer = connectTo(driver, file);
      opened.push(writer);
      return { shared, writer };
    }

    it('ends the shared read before each write statement, exec, pragma and transaction it runs', () => {
      const { shared, writer } = pair();
      const read = shared.prepare<[], string>('SELECT v FROM t WHERE k = 1', { pluck: true });
      const write = shared.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
      const writes: readonly (readonly [string, () => unknown])[] = [
        ['a write statement', () => write.run(10, 'x')],
        ['exec', () => shared.exec('DELETE FROM t WHERE k = 10')],
        ['pragma', () => shared.pragma('user_version = 3')],
        ['a transaction', () => shared.transaction(() => write.run(11, 'y'))],
      ];
      let value = 0;
      for (const [what, run] of writes) {
        shared.reading(5);
        shared.reading(5);
        expect(read.get(), what).toBe(value === 0 ? 'a' : `b${value}`);
        writer.prepare('UPDATE t SET v = ? WHERE k = 1').run(`b${++value}`);
        expect(read.get(), `${what}: the snapshot`).toBe(value === 1 ? 'a' : `b${value - 1}`);
        run();
        expect(read.get(), `after ${what}`).toBe(`b${value}`);
      }
    });

    it('leaves reads alone until a second read in the same event-loop turn', async () => {
      const { shared, writer } = pair();
      const read = shared.prepare<[], string>('SELECT v FROM t WHERE k = 1', { pluck: true });
      shared.reading(7);
      expect(read.get()).toBe('a');
      writer.prepare('UPDATE t SET v = ? WHERE k = 1').run('b');
      expect(read.get()).toBe('b'); // no transaction: an autocommit read
      await nextTick();
      shared.reading(7); // the first read of a new turn
      writer.prepare('UPDATE t SET v = ? WHERE k = 1').run('c');
      expect(read.get()).toBe('c');
      shared.reading(7); // the second read of this turn: from here on, one snapshot
      expect(read.get()).toBe('c');
      writer.prepare('UPDATE t SET v = ? WHERE k = 1').run('d');
      expect(read.get()).toBe('c');
      shared.endRead();
      expect(read.get()).toBe('d');
    });
  });
});
