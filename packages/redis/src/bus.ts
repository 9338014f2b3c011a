import type { Invalidation, InvalidationListener } from '@cachet/runtime/store';
import type { Connection } from './connection.js';
import type { RedisClient } from './options.js';

/** What travels on the invalidation channel. `from` is the sending store's instance id. */
interface Notice {
  readonly from: string;
  readonly fn?: string;
  readonly text?: string;
}

/**
 * The store's pub/sub side, on a connection of its own (a subscribed connection can do nothing
 * else): the invalidation bus, and the wake-up channels of leases other processes hold.
 *
 * Notices sent while this connection was down are lost, so after it comes back the bus tells its
 * listeners to drop everything: a memory tier may hold an entry invalidated meanwhile.
 */
export class Bus {
  private subscriber: RedisClient | undefined;
  private readonly listeners: InvalidationListener[] = [];
  private readonly waiters = new Map<string, Set<() => void>>();
  private lost = false;

  constructor(
    private readonly connection: Connection,
    private readonly channel: string,
    private readonly instance: string,
  ) {}

  /** Calls `listener` for every invalidation another process publishes. */
  listen(listener: InvalidationListener): void {
    this.listeners.push(listener);
    // A failed SUBSCRIBE is retried when the connection is ready again (see `open`).
    if (this.listeners.length === 1) void this.open().subscribe(this.channel).catch(this.ignore);
  }

  /** Tells the other processes that `invalidation` happened here. */
  async publish(invalidation: Invalidation): Promise<void> {
    const notice: Notice = { from: this.instance, ...invalidation };
    await this.connection.bounded(this.connection.client.publish(this.channel, JSON.stringify(notice)), 'PUBLISH');
  }

  /**
   * Resolves when `channel` carries a message, when `settled()` says there is nothing to wait
   * for (checked once the subscription is in place, so a message sent before it is not missed),
   * or after `ms`. Never rejects: a dead connection just means waiting the full `ms`.
   */
  wake(channel: string, ms: number, settled: () => Promise<boolean>): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.waiters.get(channel);
      const first = waiters === undefined;
      if (waiters === undefined) this.waiters.set(channel, (waiters = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        const set = this.waiters.get(channel);
        if (set?.delete(done) && set.size === 0) {
          this.waiters.delete(channel);
          void this.subscriber?.unsubscribe(channel).catch(this.ignore); // a dead connection has no subscriptions
        }
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
      if (!first) return;
      this.open()
        .subscribe(channel)
        .then(settled)
        .then((yes) => {
          if (yes) for (const waiter of [...(this.waiters.get(channel) ?? [])]) waiter();
        })
        .catch(this.ignore); // the timer bounds the wait
    });
  }

  async close(): Promise<void> {
    for (const waiters of [...this.waiters.values()]) for (const waiter of [...waiters]) waiter();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber === undefined) return;
    if (subscriber.status === 'ready') await this.connection.bounded(subscriber.quit(), 'QUIT').catch(this.ignore); // disconnected next anyway
    subscriber.disconnect();
  }

  private open(): RedisClient {
    if (this.subscriber !== undefined) return this.subscriber;
    const subscriber = this.connection.client.duplicate();
    subscriber.on('error', this.ignore); // the command connection reports faults to the runtime
    subscriber.on('close', () => (this.lost = true));
    subscriber.on('ready', () => {
      // ioredis resubscribes what it had; this also covers a first SUBSCRIBE that failed.
      if (this.listeners.length > 0) void subscriber.subscribe(this.channel).catch(this.ignore);
      if (!this.lost) return;
      this.lost = false;
      this.deliver({}); // notices may have been missed while the connection was down
    });
    subscriber.on('message', (channel: string, message: string) => this.message(channel, message));
    this.subscriber = subscriber;
    return subscriber;
  }

  private message(channel: string, message: string): void {
    if (channel !== this.channel) {
      for (const waiter of [...(this.waiters.get(channel) ?? [])]) waiter();
      return;
    }
    let notice: Notice;
    try {
      notice = JSON.parse(message) as Notice;
    } catch {
      return; // not one of ours: another program publishing on our channel
    }
    if (notice.from === this.instance) return;
    const { fn, text } = notice;
    this.deliver(fn === undefined ? {} : text === undefined ? { fn } : { fn, text });
  }

  private deliver(invalidation: Invalidation): void {
    for (const listener of this.listeners) listener(invalidation);
  }

  private readonly ignore = (): void => undefined;
}
