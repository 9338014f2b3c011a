import { CachetStoreError } from '@cachet/runtime';
import type { RedisClient } from './options.js';

/**
 * The state of one client as the store sees it. A command is only sent when it can succeed soon:
 * after the connection was lost, calls fail at once (the runtime then skips the tier for its
 * back-off) until ioredis has reconnected by itself. Every wait is bounded by `timeout`.
 */
export class Connection {
  private wasReady: boolean;
  private lastError: unknown;
  private closed = false;

  constructor(
    readonly client: RedisClient,
    private readonly owns: boolean,
    readonly timeout: number,
  ) {
    this.wasReady = client.status === 'ready';
    client.on('ready', () => (this.wasReady = true));
    // Our own clients report through the runtime (a failed command), not as unhandled events.
    if (owns) client.on('error', (error: unknown) => (this.lastError = error));
  }

  /** Throws when a command cannot succeed now: the store is closed, or Redis is not back yet. */
  check(): void {
    if (this.closed) throw new CachetStoreError('the redis store is closed');
    const status = this.client.status;
    if (status === 'ready' || !this.wasReady) return; // connecting for the first time: queue, bounded
    throw new CachetStoreError(`redis is unreachable (connection ${status})`, { cause: this.lastError });
  }

  /** `promise`, or a rejection after `timeout` milliseconds. */
  bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new CachetStoreError(`redis did not answer ${what} within ${this.timeout} ms`)),
        this.timeout,
      );
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(
            error instanceof CachetStoreError ? error : new CachetStoreError(`redis ${what} failed`, { cause: error }),
          );
        },
      );
    });
  }

  /** Closes the client if the store made it; a client passed in stays open. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.owns) return;
    // A QUIT that fails or times out changes nothing: the socket is closed next either way.
    if (this.client.status === 'ready') await this.bounded(this.client.quit(), 'QUIT').catch(() => undefined);
    this.client.disconnect();
  }
}
