/**
 * The SQLite store's open test list (docs/testing.md): the inline limit's exact edge, what a
 * `:memory:` store promises, and two connections to one file interleaving delete, clear and
 * leases with each other's writes, ending with every read the value last committed or pending
 * for its own key, never another's.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EntryKey, NOT_FOUND } from '../../src/store.js';
import { BlobFiles } from '../../src/stores/blob/blob-files.js';
import { sqliteErrorCode } from '../../src/stores/sqlite/driver/driver.js';
import { SHARED_READ_SPAN } from '../../src/stores/sqlite/shared-reads.js';
import { createSqliteStore, type SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { entry, entryKey } from '../store-suite.js';
import { connectTo, describeDrivers } from './drivers.js';
import { nextTick, recordingLogger, useTempDirs } from './helpers.js';

const run = promisify(execFile);
const tempDir = useTempDirs();
const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** A JSON string value whose encoding is `bytes` bytes: two quotes around two-byte characters (and one ASCII one for an odd count). */
function valueOfBytes(bytes: number): string {
  const inner = bytes - 2;
  return 'é'.repeat(Math.floor(inner / 2)) + 'x'.repeat(inner % 2);
}

describeDrivers('sqlite store, the open list', (driver) => {
  function open(options: Omit<Parameters<typeof createSqliteStore>[0], 'driver'>): SqliteStore {
    const store = createSqliteStore({ driver: driver.name, ...options });
    stores.push(store);
    return store;
  }

  describe('the inline limit', () => {
    it('keeps a value of exactly inlineLimit encoded bytes in its row, and spills one byte more to a blob file', async () => {
      const dir = tempDir();
      const limit = 1001;
      const store = open({ dir, inlineLimit: limit });
      const values = { under: valueOfBytes(limit - 1), at: valueOfBytes(limit), over: valueOfBytes(limit + 1) };
      expect(Buffer.byteLength(JSON.stringify(values.at))).toBe(limit);
      expect(values.at.length).toBeLessThan(limit); // counted in bytes, not characters
      for (const [name, value] of Object.entries(values)) store.set(entryKey('edge', name), entry(value));
      await nextTick();
      const blobs = Object.fromEntries(store.entries({ fn: 'edge' }).map((info) => [info.args, info.blob]));
      expect(blobs).toEqual({ under: null, at: null, over: expect.stringMatching(/^[0-9a-f]{16}-[0-9a-f]{16}$/) });
      // Read back through a connection of its own: from the row and the blob file, not the write batch.
      const reader = open({ dir, inlineLimit: limit });
      for (const [name, value] of Object.entries(values)) expect(reader.get(entryKey('edge', name))?.value).toBe(value);
    });

    it('puts every value in a blob file at an inline limit of 0, and none at Infinity', async () => {
      const dir = tempDir();
      const spilling = open({ dir, inlineLimit: 0, name: 'fs' });
      spilling.set(entryKey('zero', 'tiny'), entry(1));
      await nextTick();
      expect(spilling.entries({ fn: 'zero' })[0]?.blob).toMatch(/-/);
      const keeping = open({ dir: tempDir(), inlineLimit: Number.POSITIVE_INFINITY });
      keeping.set(entryKey('inf', 'big'), entry('y'.repeat(200_000)));
      await nextTick();
      expect(keeping.entries({ fn: 'inf' })[0]?.blob).toBeNull();
      expect(keeping.get(entryKey('inf', 'big'))?.value).toBe('y'.repeat(200_000));
    });
  });

  describe("a ':memory:' store", () => {
    it('keeps every value in its row whatever the inline limit (it has no blob directory), and reads it back', async () => {
      const store = open({ dir: ':memory:', inlineLimit: 0 });
      const large = { rows: Array.from({ length: 2000 }, (_, i) => ({ i, name: `row ${i}` })) };
      store.set(entryKey('mem', 'large'), entry(large));
      store.set(entryKey('mem', 'small'), entry('s'));
      await nextTick(); // committed: a failed commit would be raised by the next call
      expect(store.entries({ fn: 'mem' }).map((info) => [info.args, info.blob])).toEqual([
        ['small', null],
        ['large', null],
      ]);
      expect(store.get(entryKey('mem', 'large'))?.value).toEqual(large);
      expect(store.get(entryKey('mem', 'small'))?.value).toBe('s');
    });

    it('is private to its store: another one starts empty and neither sees the other’s writes', async () => {
      const one = open({ dir: ':memory:' });
      const two = open({ dir: ':memory:' });
      one.set(entryKey('mem', 'a'), entry('one'));
      two.set(entryKey('mem', 'b'), entry('two'));
      await nextTick();
      expect([one.get(entryKey('mem', 'a'))?.value, one.get(entryKey('mem', 'b'))]).toEqual(['one', undefined]);
      expect([two.get(entryKey('mem', 'a')), two.get(entryKey('mem', 'b'))?.value]).toEqual([undefined, 'two']);
      expect(one.acquireLease(entryKey('mem', 'lease'), 60_000)).toBe(true);
      expect(two.acquireLease(entryKey('mem', 'lease'), 60_000)).toBe(true); // no shared lease table either
      one.close();
      expect(open({ dir: ':memory:' }).get(entryKey('mem', 'a'))).toBeUndefined(); // gone with its store
    });
  });

  describe('two connections to one file', () => {
    const keys: readonly EntryKey[] = [entryKey('f', 'a'), entryKey('f', 'b'), entryKey('g', 'a')];

    type Op =
      | { kind: 'set' | 'flush' | 'get' | 'delete' | 'lease' | 'release'; s: number; k: number }
      | { kind: 'clear'; s: number; fn: string | undefined };

    const side = fc.constantFrom(0, 1);
    const key = fc.constantFrom(0, 1, 2);
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('set', 'set', 'flush', 'get', 'delete', 'lease', 'lease', 'release'),
        s: side,
        k: key,
      }),
      fc.record({ kind: fc.constant('clear'), s: side, fn: fc.constantFrom(undefined, 'f', 'g') }),
    ) as fc.Arbitrary<Op>;

    /**
     * What the two stores should answer: what is committed, what each has pending (a read finds
     * its own pending write first), and who holds each lease. A call that reaches the database
     * (delete, clear, a lease) commits its own store's pending writes first.
     */
    class Model {
      readonly committed = new Map<number, string>();
      readonly pending = [new Map<number, string>(), new Map<number, string>()] as const;
      readonly leases = new Map<number, number>();

      flush(s: number): void {
        for (const [k, value] of this.pending[s] as Map<number, string>) this.committed.set(k, value);
        (this.pending[s] as Map<number, string>).clear();
      }

      /**
       * With `shared`, each store's reads after its first share one read transaction (the event
       * loop never turns in this test, and the clock stands still): they see what was committed
       * when it began, until the store itself reaches the database to write, which ends it.
       * Without, the clock moves `SHARED_READ_SPAN` ms at each read, so none is shared.
       */
      readonly snapshot: [Map<number, string> | undefined, Map<number, string> | undefined] = [undefined, undefined];
      readonly hasRead = [false, false];

      constructor(readonly shared: boolean) {}

      get(s: number, k: number): string | undefined {
        const own = (this.pending[s] as Map<number, string>).get(k);
        if (own !== undefined) return own;
        if (!this.shared || !this.hasRead[s]) {
          this.hasRead[s] = true;
          return this.committed.get(k);
        }
        this.snapshot[s] ??= new Map(this.committed);
        return this.snapshot[s].get(k);
      }

      /** Store `s` wrote to the database: its shared read, if any, ended first. */
      wrote(s: number): void {
        this.snapshot[s] = undefined;
      }
    }

    it.each([
      ['each read SHARED_READ_SPAN ms after the one before', false],
      ['reads in one turn and millisecond sharing a read transaction', true],
    ])('answer every interleaving of writes, deletes, clears and leases as one database would: %s', (_, shared) => {
      let run = 0;
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
          const dir = tempDir();
          let tick = 1_000;
          const now = shared ? () => 1_000 : () => (tick += SHARED_READ_SPAN);
          const pair = [open({ dir, now }), open({ dir, now })] as const;
          const model = new Model(shared);
          try {
            run++;
            ops.forEach((o, step) => {
              const store = pair[o.s] as SqliteStore;
              if (o.kind === 'clear') {
                model.flush(o.s);
                model.wrote(o.s);
                let expected = 0;
                for (const k of [...model.committed.keys()]) {
                  if (o.fn !== undefined && keys[k]?.fn !== o.fn) continue;
                  model.committed.delete(k);
                  expected++;
                }
                expect(store.clear(o.fn), `step ${step}: clear(${o.fn})`).toBe(expected);
              } else {
                const k = keys[o.k] as EntryKey;
                switch (o.kind) {
                  case 'set': {
                    const value = `${run}.${step} by ${o.s}`;
                    model.pending[o.s]?.set(o.k, value);
                    store.set(k, entry(value));
                    break;
                  }
                  case 'flush':
                    if ((model.pending[o.s]?.size ?? 0) > 0) model.wrote(o.s); // nothing pending: no commit
                    model.flush(o.s);
                    store.flush();
                    break;
                  case 'get':
                    break; // every read is checked below
                  case 'delete': {
                    model.flush(o.s);
                    model.wrote(o.s);
                    const expected = model.committed.delete(o.k);
                    expect(store.delete(k), `step ${step}: delete`).toBe(expected);
                    break;
                  }
                  case 'lease': {
                    model.flush(o.s);
                    model.wrote(o.s);
                    const holder = model.leases.get(o.k);
                    const expected = !model.committed.has(o.k) && (holder === undefined || holder === o.s);
                    if (expected) model.leases.set(o.k, o.s);
                    expect(store.acquireLease(k, 60_000), `step ${step}: acquireLease`).toBe(expected);
                    break;
                  }
                  case 'release':
                    model.flush(o.s);
                    model.wrote(o.s);
                    if (model.leases.get(o.k) === o.s) model.leases.delete(o.k);
                    store.releaseLease(k);
                    break;
                }
              }
              for (const s of [0, 1])
                for (let k = 0; k < keys.length; k++)
                  expect(pair[s]?.get(keys[k] as EntryKey)?.value, `step ${step}: store ${s} reads key ${k}`).toBe(
                    model.get(s, k),
                  );
            });
          } finally {
            for (const store of pair) store.close();
            stores.splice(stores.length - 2, 2);
          }
        }),
        { numRuns: 100 },
      );
    });

    it('take no lease over an entry the other connection commits while the lease is being checked', () => {
      const dir = tempDir();
      const [one, two] = [open({ dir, busyTimeout: 50 }), open({ dir, busyTimeout: 50 })];
      one.functions(); // both connections open before the race
      two.functions();
      const key = entryKey('f', 'herd');
      // The lease check reads the wall clock between looking for a fresh entry and looking at the
      // lease: the other connection commits its entry at that moment.
      const wallClock = Date.now.bind(Date);
      let interloper: 'waiting' | 'committed' | { error: unknown } = 'waiting';
      const clock = vi.spyOn(Date, 'now').mockImplementation(() => {
        if (interloper === 'waiting') {
          interloper = 'committed';
          try {
            two.set(key, entry('theirs'));
            two.flush();
          } catch (error) {
            interloper = { error };
          }
        }
        return wallClock();
      });
      let taken: boolean;
      try {
        taken = one.acquireLease(key, 60_000);
      } finally {
        clock.mockRestore();
      }
      // The check and the lease are one write transaction: the other connection waits out its busy
      // timeout and its write is dropped (a cache write), and the lease goes to this one over no entry.
      const outcome = interloper as 'waiting' | 'committed' | { error: unknown }; // set by the spy
      expect(typeof outcome === 'string' ? outcome : sqliteErrorCode(outcome.error)).toBe('SQLITE_BUSY');
      expect(taken).toBe(true);
      expect([one.get(key), two.get(key)]).toEqual([undefined, undefined]);
      expect(two.acquireLease(key, 60_000)).toBe(false);
    });
  });

  describe('a read racing the other connection’s rewrite of a blob entry', () => {
    // The read takes the row (with its blob file's name) and then the file, outside a transaction.
    // When the other connection rewrites the entry in between, the old file is gone: a plain miss,
    // not damage. It once reported "a blob file ... was missing or damaged; dropped the entry",
    // and since that report comes once per store, hid a later file that really was damaged.
    for (const how of ['get', 'getFresh'] as const) {
      it(`answers a value or a miss and reports nothing (${how})`, async () => {
        const dir = tempDir();
        const logger = recordingLogger();
        const [reader, writer] = [open({ dir, inlineLimit: 0, warn: logger.warn }), open({ dir, inlineLimit: 0 })];
        const key = entryKey('f', 'rewritten');
        writer.set(key, entry('old'));
        writer.flush();
        reader.functions(); // open
        const read = BlobFiles.prototype.read;
        let rewritten = false;
        const rewrite = vi.spyOn(BlobFiles.prototype, 'read').mockImplementationOnce(function (this: BlobFiles, name) {
          writer.set(key, entry('new')); // lands between the reader's row and its file
          writer.flush();
          rewritten = true;
          return read.call(this, name);
        });
        let value: unknown;
        try {
          value = how === 'get' ? reader.get(key)?.value : reader.getFresh(key, 0);
        } finally {
          rewrite.mockRestore();
        }
        expect(rewritten).toBe(true);
        expect([undefined, NOT_FOUND, 'old', 'new']).toContain(value);
        expect(logger.warnings.map((w) => w.message)).toEqual([]);
        expect(writer.get(key)?.value).toBe('new'); // the writer's entry is kept either way
        expect(reader.get(key)?.value).toBe('new');
      });
    }
  });

  describe('processes racing on one file', () => {
    const racer = fileURLToPath(new URL('../fixtures/sqlite-racer.ts', import.meta.url));

    /** Runs racers side by side from the same wall-clock moment; resolves with what each printed. */
    function race(dir: string, roles: readonly string[], keys: number): Promise<RacerReport[]> {
      const startAt = Date.now() + 1500; // past every racer's start-up
      // Under mutation testing the racers run the mutant this process runs.
      const active = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__?.activeMutant;
      const env = { ...process.env, ...(active === undefined ? {} : { __STRYKER_ACTIVE_MUTANT__: active }) };
      return Promise.all(
        roles.map(async (role) => {
          const args = ['--import', 'tsx', racer, dir, driver.name, role, String(startAt), String(keys)];
          const { stdout, stderr } = await run(process.execPath, args, { env, encoding: 'utf8' });
          expect(stderr).toBe('');
          return JSON.parse(stdout) as RacerReport;
        }),
      );
    }

    it('give each lease to exactly one of two processes taking them at once, and record it as theirs', async () => {
      const dir = tempDir();
      const count = 2000;
      const reports = await race(dir, ['lease', 'lease'], count);
      const db = connectTo(driver, join(dir, 'cache.db'), true);
      try {
        const owners = new Map(
          db
            .prepare<[], { hash: bigint; owner: string }>('SELECT hash, owner FROM leases', { bigints: true })
            .all()
            .map((row) => [row.hash, row.owner]),
        );
        for (let i = 0; i < count; i++) {
          const winners = reports.filter((report) => report.taken[i]);
          expect(winners.length, `lease ${i}`).toBe(1);
          expect(owners.get(entryKey('race', String(i)).hash)?.split('-')[0], `lease ${i}`).toBe(
            String(winners[0]?.pid),
          );
        }
      } finally {
        db.close();
      }
    });

    it('read no value of another key while processes write, delete, clear and lease the same keys', async () => {
      const dir = tempDir();
      const count = 40;
      const reports = await race(dir, ['writer', 'writer', 'remover'], count);
      for (const report of reports) {
        expect({ wrong: report.wrong, errors: report.errors }).toEqual({ wrong: [], errors: [] });
        // Nothing is damaged: a read racing a rewrite or a delete is a miss, not a report (above).
        expect(report.warnings).toEqual([]);
      }
      const reader = open({ dir });
      for (let i = 0; i < count; i++) {
        const value = reader.get(entryKey('race', String(i)))?.value;
        if (value !== undefined) expect(value).toMatch(new RegExp(`^${i}/`));
      }
      // Nothing half-done: every row's blob file is there, every blob file has its row.
      const rows = reader.entries({ fn: 'race' });
      const named = rows.map((info) => info.blob).filter((blob): blob is string => blob !== null);
      expect(blobFiles(join(dir, 'blobs')).sort()).toEqual(expect.arrayContaining(named.sort()));
      for (const info of rows) expect(reader.value(info.hash)?.value).toMatch(new RegExp(`^${info.args}/`));
    });
  });

  it('leaves no blob file behind a clear or a delete from the other connection', async () => {
    const dir = tempDir();
    const [one, two] = [open({ dir, inlineLimit: 0 }), open({ dir, inlineLimit: 0 })];
    for (const name of ['a', 'b', 'c']) one.set(entryKey('f', name), entry(`one ${name}`));
    two.set(entryKey('g', 'a'), entry('two'));
    await nextTick();
    expect(two.delete(entryKey('f', 'a'))).toBe(true);
    expect(two.clear('f')).toBe(2);
    expect(one.get(entryKey('g', 'a'))?.value).toBe('two');
    expect(blobFiles(join(dir, 'blobs'))).toHaveLength(1);
    expect(one.clear()).toBe(1);
    expect(blobFiles(join(dir, 'blobs'))).toEqual([]);
  });
});

/** What a racer printed. */
interface RacerReport {
  readonly pid: number;
  readonly taken: boolean[];
  readonly wrong: string[];
  readonly errors: string[];
  readonly warnings: string[];
}

/** The blob files under `dir` (not the temporaries). */
function blobFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((file) => file.isFile() && !file.parentPath.endsWith('tmp'))
    .map((file) => file.name);
}
