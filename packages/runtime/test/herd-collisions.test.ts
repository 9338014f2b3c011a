/**
 * The herd when different keys share a hash (an encoder's hash is only a bucket): flights are
 * chained under one hash, told apart by the encoder's equality, and each leaves the chain when it
 * settles, wherever it is in it. Mutants of `Herd` that joined the wrong flight, or left a settled
 * one behind, survived every other test.
 */
import { describe, expect, it } from 'vitest';
import { cached, configure, invalidate, stats } from '../src/index.js';
import type { KeyEncoder } from '../src/internal.js';
import { deferred } from './helpers.js';

configure({ defaults: { storage: 'memory' } });

/** Every key hashes to 0: all calls share one bucket, and only `equals` tells them apart. */
const oneBucket: KeyEncoder = {
  text: (args) => String(args[0]),
  hash: () => 0,
  snapshot: (args) => args[0],
  equals: (snapshot, args) => snapshot === args[0],
};

describe('the herd with keys that share a hash', () => {
  it('joins only the flight of equal arguments, and a settled flight leaves the chain from any place', async () => {
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const runs: string[] = [];
    const load = cached(
      async (name: string) => {
        const n = runs.push(name);
        const gate = deferred<void>();
        gates.set(name, gate);
        await gate.promise;
        return `${name}#${n}`;
      },
      { id: 'herd-one-bucket', key: oneBucket },
    );
    // Three flights in one chain: c (head), b, a (oldest).
    const a = load('a');
    const b = load('b');
    const c = load('c');
    expect(load('b')).toBe(b); // joins b's flight, not the head's
    expect(load('a')).toBe(a);
    expect(runs).toEqual(['a', 'b', 'c']);
    // b lands first: in the middle of the chain.
    gates.get('b')?.resolve();
    expect(await b).toBe('b#2');
    // a lands next: the tail.
    gates.get('a')?.resolve();
    expect(await a).toBe('a#1');
    // With their entries dropped, a and b run again: no settled flight is joined.
    await invalidate(load, 'a');
    await invalidate(load, 'b');
    const b2 = load('b');
    expect(load('c')).toBe(c); // c is still in flight, and still joined
    gates.get('b')?.resolve();
    expect(await b2).toBe('b#4');
    const a2 = load('a');
    gates.get('a')?.resolve();
    expect(await a2).toBe('a#5');
    gates.get('c')?.resolve();
    expect(await c).toBe('c#3');
    expect(runs).toEqual(['a', 'b', 'c', 'b', 'a']);
    expect(stats(load)).toMatchObject({ misses: 5, herdJoins: 3 });
  });

  it('a head flight that settles hands the bucket to the flight under it', async () => {
    const gates: ReturnType<typeof deferred<void>>[] = [];
    let runs = 0;
    const load = cached(
      async (name: string) => {
        runs++;
        const gate = deferred<void>();
        gates.push(gate);
        await gate.promise;
        return `${name}#${runs}`;
      },
      { id: 'herd-one-bucket-head', key: oneBucket },
    );
    const x = load('x');
    const y = load('y'); // the head
    gates[1]?.resolve();
    expect(await y).toBe('y#2');
    await invalidate(load, 'y');
    expect(load('x')).toBe(x); // x's flight is still found under the new head
    const y2 = load('y');
    expect(y2).not.toBe(y);
    gates[0]?.resolve();
    gates[2]?.resolve();
    expect(await x).toBe('x#3');
    expect(await y2).toBe('y#3');
    expect(runs).toBe(3);
  });

  it('a flight that settles deep in the chain leaves the flights above it in place', async () => {
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const runs: string[] = [];
    const load = cached(
      async (name: string) => {
        runs.push(name);
        const gate = deferred<void>();
        gates.set(name, gate);
        await gate.promise;
        return name;
      },
      { id: 'herd-one-bucket-deep', key: oneBucket },
    );
    // Four flights in one chain: d (head), c, b, a (the tail, third under the head).
    const flights = ['a', 'b', 'c', 'd'].map((name) => load(name));
    gates.get('a')?.resolve();
    expect(await flights[0]).toBe('a');
    // b and c, between the head and a, are still found and joined.
    expect(load('b')).toBe(flights[1]);
    expect(load('c')).toBe(flights[2]);
    for (const name of ['b', 'c', 'd']) gates.get(name)?.resolve();
    expect(await Promise.all(flights)).toEqual(['a', 'b', 'c', 'd']);
    expect(runs).toEqual(['a', 'b', 'c', 'd']);
  });
});
