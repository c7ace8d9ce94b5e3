import type { LogPosition } from "@udaconnect/schemas";
import type { TopicRecords } from "./record-producer";

/** Sends merged messages in one produce request and tells the positions reached. */
export type SendMerged = (batches: TopicRecords[]) => Promise<readonly LogPosition[]>;

interface Waiting {
  readonly batches: readonly TopicRecords[];
  /** Records per "topic/partition"; a caller gets the merged send's positions in these (they cover its records). */
  readonly counts: ReadonlyMap<string, number>;
  readonly resolve: (positions: readonly LogPosition[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One send at a time; whatever callers queued meanwhile goes out together in
 * the next one. Sequential sends keep each person's events in call order
 * (neither client's idempotent producer is safe with concurrent sends: its
 * sequence numbers advance only on answers), and merging keeps throughput
 * when many streams write at once: the produce request carries every waiting
 * batch instead of one round trip each.
 */
export class SendQueue {
  readonly #waiting: Waiting[] = [];
  #sending = false;

  constructor(
    private readonly send: SendMerged,
    /** Records per partition in one produce request, so each partition's record batch stays under message.max.bytes. */
    private readonly maxRecordsPerPartition: number,
  ) {}

  enqueue(batches: readonly TopicRecords[]): Promise<readonly LogPosition[]> {
    const counts = new Map<string, number>();
    for (const { topic, messages } of batches) {
      for (const { partition = 0 } of messages) {
        const key = `${topic}/${partition}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push({ batches, counts, resolve, reject });
      if (!this.#sending) {
        void this.#sendAll();
      }
    });
  }

  async #sendAll(): Promise<void> {
    this.#sending = true;
    while (this.#waiting.length > 0) {
      const taken = this.#take();
      try {
        const positions = await this.send(merge(taken.flatMap((w) => w.batches)));
        for (const w of taken) w.resolve(positions.filter((p) => w.counts.has(`${p.topic}/${p.partition}`)));
      } catch (error) {
        for (const w of taken) w.reject(error);
      }
    }
    this.#sending = false;
  }

  #take(): Waiting[] {
    const taken: Waiting[] = [];
    const records = new Map<string, number>();
    while (this.#waiting.length > 0) {
      const next = this.#waiting[0] as Waiting;
      const overflows = [...next.counts].some(([key, n]) => (records.get(key) ?? 0) + n > this.maxRecordsPerPartition);
      if (taken.length > 0 && overflows) {
        break;
      }
      taken.push(next);
      for (const [key, n] of next.counts) records.set(key, (records.get(key) ?? 0) + n);
      this.#waiting.shift();
    }
    return taken;
  }
}

function merge(batches: readonly TopicRecords[]): TopicRecords[] {
  const byTopic = new Map<string, TopicRecords["messages"]>();
  for (const { topic, messages } of batches) {
    const merged = byTopic.get(topic) ?? [];
    for (const message of messages) merged.push(message);
    byTopic.set(topic, merged);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
