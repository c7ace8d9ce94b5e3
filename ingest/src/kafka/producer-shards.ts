import type { LogPosition } from "@udaconnect/schemas";
import { positionsReached } from "./partitions";
import type { RecordProducer, TopicRecords } from "./record-producer";
import { SendQueue } from "./send-queue";

/** ~450 bytes a record at most: one partition's share of a send stays under the broker's 1 MiB message.max.bytes. */
const MAX_RECORDS_PER_PARTITION = 2_000;

/**
 * Several idempotent producers, partition p of every topic always through
 * producer p mod n. An idempotent producer allows one request in flight, so
 * one producer waits a full acks=all round trip per send; n of them overlap n
 * round trips. Each partition still has exactly one producer, sending one
 * request at a time, so each person's events keep their order.
 */
export class ProducerShards {
  readonly #queues: SendQueue[];

  constructor(
    private readonly producers: readonly RecordProducer[],
    onSendAcknowledged: (seconds: number) => void,
  ) {
    this.#queues = producers.map(
      (producer) =>
        new SendQueue(async (batches) => {
          const started = performance.now();
          const produced = await producer.send(batches);
          onSendAcknowledged((performance.now() - started) / 1000);
          return positionsReached(batches, produced);
        }, MAX_RECORDS_PER_PARTITION),
    );
  }

  /** Sends records whose partitions are set; resolves with the positions reached once every shard has them. */
  async send(placed: readonly TopicRecords[]): Promise<LogPosition[]> {
    const shards = this.#queues.length;
    const byShard = new Map<number, TopicRecords[]>();
    for (const { topic, messages } of placed) {
      for (const message of messages) {
        const shard = (message.partition ?? 0) % shards;
        const batches = byShard.get(shard) ?? [];
        const last = batches.at(-1);
        if (last?.topic === topic) last.messages.push(message);
        else batches.push({ topic, messages: [message] });
        byShard.set(shard, batches);
      }
    }
    const reached = await Promise.all([...byShard].map(([shard, batches]) => this.#queues[shard]?.enqueue(batches) ?? []));
    return reached.flat();
  }

  async connect(signal: AbortSignal): Promise<void> {
    await Promise.all(this.producers.map((p) => p.connect(signal)));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.disconnect()));
  }
}
