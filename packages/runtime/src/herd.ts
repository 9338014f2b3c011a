import type { Equals } from './memory/memory-tier.js';

/**
 * The herd: calls in flight, by key. While one call computes a key, later calls of the same key
 * join its promise. A flight removes itself when it settles, so the map is empty when idle.
 */
class Flight {
  chain: Flight | undefined = undefined;
  constructor(
    readonly hash: unknown,
    readonly snapshot: unknown,
    readonly promise: Promise<unknown>,
  ) {}
}

export class Herd {
  private readonly map = new Map<unknown, Flight>();

  /** Number of keys in flight. */
  get size(): number {
    return this.map.size;
  }

  find(
    hash: unknown,
    equals: Equals | undefined,
    args: ArrayLike<unknown>,
    self: unknown,
  ): Promise<unknown> | undefined {
    let flight = this.map.get(hash);
    if (equals !== undefined)
      while (flight !== undefined && !equals(flight.snapshot, args, self)) flight = flight.chain;
    return flight?.promise;
  }

  /** Registers `promise` as the flight for this key until it settles. */
  add(hash: unknown, snapshot: unknown, promise: Promise<unknown>): void {
    const flight = new Flight(hash, snapshot, promise);
    flight.chain = this.map.get(hash);
    this.map.set(hash, flight);
    const land = (): void => this.remove(flight);
    promise.then(land, land);
  }

  private remove(flight: Flight): void {
    const head = this.map.get(flight.hash);
    if (head === flight) {
      if (flight.chain === undefined) this.map.delete(flight.hash);
      else this.map.set(flight.hash, flight.chain);
      return;
    }
    let prev = head;
    while (prev !== undefined && prev.chain !== flight) prev = prev.chain;
    if (prev !== undefined) prev.chain = flight.chain;
  }
}
