import type { QueueStorage, QueuedCheckIn } from "./storage";

/**
 * The device's bounded FIFO of check-ins. `add` is synchronous and never
 * waits on disk or network: check-ins are written to storage in groups
 * (one fsync for all added in the same tick), and only written ones are
 * handed to the sender, so whatever the gateway acknowledges was on disk first.
 * Storage calls run one at a time, in order.
 */
export class CheckInQueue {
  readonly #items: QueuedCheckIn[];
  #durable: number;
  #unwritten: QueuedCheckIn[] = [];
  #chain: Promise<void> = Promise.resolve();
  #dropped: number;
  #failure: unknown;
  #onDurable: () => void = () => {};

  private constructor(
    private readonly storage: QueueStorage,
    private readonly capacity: number,
    loaded: { pending: QueuedCheckIn[]; dropped: number },
  ) {
    this.#items = loaded.pending;
    this.#durable = loaded.pending.length;
    this.#dropped = loaded.dropped;
  }

  static async open(storage: QueueStorage, capacity: number): Promise<CheckInQueue> {
    return new CheckInQueue(storage, capacity, await storage.load());
  }

  /** False when the queue is full: the check-in is dropped and counted. */
  add(checkIn: QueuedCheckIn): boolean {
    if (this.#items.length >= this.capacity) {
      this.#dropped++;
      this.#enqueue(() => this.storage.recordDropped(1));
      return false;
    }
    this.#items.push(checkIn);
    this.#unwritten.push(checkIn);
    if (this.#unwritten.length === 1) {
      queueMicrotask(() => {
        const group = this.#unwritten;
        this.#unwritten = [];
        this.#enqueue(async () => {
          await this.storage.append(group);
          this.#durable += group.length;
          this.#onDurable();
        });
      });
    }
    return true;
  }

  /** Check-ins on disk and not yet acknowledged, from position `from` (0 = oldest), at most `count`. */
  durable(from: number, count: number): readonly QueuedCheckIn[] {
    return this.#items.slice(from, Math.min(this.#durable, from + count));
  }

  /** Forgets the `count` oldest check-ins once their acknowledgement is on disk. */
  acknowledge(count: number): Promise<void> {
    const ids = this.#items.slice(0, count).map((c) => c.eventId);
    return this.#enqueue(async () => {
      await this.storage.acknowledge(ids);
      this.#items.splice(0, count);
      this.#durable -= count;
    });
  }

  get length(): number {
    return this.#items.length;
  }

  get durableLength(): number {
    return this.#durable;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Called whenever more check-ins reached the disk (the sender's wake-up). */
  set onDurable(listener: () => void) {
    this.#onDurable = listener;
  }

  /** Resolves once everything added so far is on disk; rejects if storage failed. */
  async written(): Promise<void> {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await this.#chain;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async close(): Promise<void> {
    await this.written().catch(() => {});
    await this.storage.close();
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(step);
    this.#chain = run.catch((error: unknown) => {
      this.#failure = error;
    });
    return run;
  }
}
