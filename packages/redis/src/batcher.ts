import type { Connection } from './connection.js';
import { slotOf } from './keys.js';

interface PendingGet {
  readonly name: string;
  readonly resolve: (data: Buffer | null) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingSet {
  readonly name: string;
  readonly data: Buffer;
  /** Milliseconds Redis keeps the entry, or undefined for no expiry. */
  readonly px: number | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Autobatching, as NDB does it: reads issued in one tick go out as one `MGET`, writes as one
 * pipeline (with the writes first, so a read sees a write issued before it). On a cluster, reads
 * are grouped by slot (one `MGET` per slot) and writes go one by one, since one command may not
 * span slots. Anything sent outside the batch calls `flush()` first, which keeps Redis seeing
 * commands in the order the store was asked: a value is written before its lease is released.
 */
export class Batcher {
  private gets: PendingGet[] = [];
  private sets: PendingSet[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly connection: Connection) {}

  get(name: string): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      this.gets.push({ name, resolve, reject });
      this.schedule();
    });
  }

  set(name: string, data: Buffer, px: number | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sets.push({ name, data, px, resolve, reject });
      this.schedule();
    });
  }

  /** Sends what is pending now, rather than at the end of the tick. */
  flush(): void {
    const { gets, sets } = this;
    if (gets.length === 0 && sets.length === 0) return;
    this.gets = [];
    this.sets = [];
    const sent = this.connection.client.isCluster ? this.sendSharded(gets, sets) : this.send(gets, sets);
    const settled = this.connection
      .bounded(sent, gets.length > 0 ? `MGET of ${gets.length}` : `${sets.length} SET`)
      .then(
        () => undefined,
        (error: unknown) => {
          for (const one of [...gets, ...sets]) one.reject(error);
        },
      );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** Resolves when every batch sent so far has been answered (or timed out). */
  async idle(): Promise<void> {
    this.flush();
    await Promise.all(this.inFlight);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private async send(gets: PendingGet[], sets: PendingSet[]): Promise<void> {
    const { client } = this.connection;
    const names = gets.map((get) => get.name);
    if (sets.length === 0) return answer(gets, await client.mgetBuffer(names));
    if (sets.length === 1 && gets.length === 0) return this.sendOne(sets[0] as PendingSet);
    const pipeline = client.pipeline();
    for (const { name, data, px } of sets) {
      if (px === undefined) pipeline.set(name, data);
      else pipeline.set(name, data, 'PX', px);
    }
    if (gets.length > 0) pipeline.mgetBuffer(names);
    const results = (await pipeline.exec()) ?? [];
    for (let i = 0; i < sets.length; i++) {
      const set = sets[i] as PendingSet;
      const [error] = results[i] ?? [new Error('no reply')];
      if (error) set.reject(error);
      else set.resolve();
    }
    if (gets.length === 0) return;
    const [error, values] = results[sets.length] ?? [new Error('no reply')];
    if (error) throw error;
    answer(gets, values as (Buffer | null)[]);
  }

  private async sendSharded(gets: PendingGet[], sets: PendingSet[]): Promise<void> {
    const bySlot = new Map<number, PendingGet[]>();
    for (const get of gets) {
      const slot = slotOf(get.name);
      const group = bySlot.get(slot);
      if (group === undefined) bySlot.set(slot, [get]);
      else group.push(get);
    }
    const { client } = this.connection;
    await Promise.all([
      ...sets.map((set) => this.sendOne(set)),
      ...[...bySlot.values()].map(async (group) => answer(group, await client.mgetBuffer(group.map((g) => g.name)))),
    ]);
  }

  private async sendOne({ name, data, px, resolve }: PendingSet): Promise<void> {
    const { client } = this.connection;
    await (px === undefined ? client.set(name, data) : client.set(name, data, 'PX', px));
    resolve();
  }
}

function answer(gets: PendingGet[], values: (Buffer | null)[]): void {
  for (let i = 0; i < gets.length; i++) (gets[i] as PendingGet).resolve(values[i] ?? null);
}
