import type { LogPosition } from "@udaconnect/schemas";
import { positionsReached } from "./partitions";
import { producerStateLost } from "./producer-state-lost";
import type { PartitionedProducers, RecordProducer, TopicRecords } from "./record-producer";
import { SendQueue } from "./send-queue";

/** ~450 bytes a record at most: one partition's share of a send stays under the broker's 1 MiB message.max.bytes. */
const MAX_RECORDS_PER_PARTITION = 2_000;

export interface ProducerShardsHooks {
  /** Hears how long each acknowledged send took, for the latency histogram. */
  readonly onSendAcknowledged?: (seconds: number) => void;
  /** Hears each replacement of a shard's producer after Kafka refused its producer state (see producer-state-lost.ts). */
  readonly onProducerReset?: (reset: { readonly shard: number; readonly reason: string; readonly error: unknown }) => void;
}

/**
 * Several idempotent producers, partition p of every topic always through
 * producer p mod n. An idempotent producer allows one request in flight, so
 * one producer waits a full acks=all round trip per send; n of them overlap n
 * round trips. Each partition still has exactly one producer, sending one
 * request at a time, so each person's events keep their order.
 *
 * A send refused because the broker no longer accepts the producer's sequence
 * numbers or epoch (OUT_OF_ORDER_SEQUENCE_NUMBER after a broker crash,
 * UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH…) would fail the same way for
 * every later send of that producer. The shard then discards it and goes on
 * with a new producer (a new producer id): the failed send's callers get the
 * error (their retry carries the same event ids), the batches still waiting
 * go out through the new one.
 */
export class ProducerShards implements PartitionedProducers {
  readonly #queues: SendQueue[];
  readonly #producers: RecordProducer[];
  /** Shards whose producer replaced a discarded one and has not connected yet. */
  readonly #unconnected = new Set<number>();
  #signal: AbortSignal = new AbortController().signal;

  constructor(
    private readonly newProducer: () => RecordProducer,
    count: number,
    private readonly hooks: ProducerShardsHooks = {},
  ) {
    this.#producers = Array.from({ length: count }, () => newProducer());
    this.#queues = this.#producers.map((_, shard) => new SendQueue((batches) => this.#sendThrough(shard, batches), MAX_RECORDS_PER_PARTITION));
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
    this.#signal = signal;
    await Promise.all(this.#producers.map((p) => p.connect(signal)));
  }

  /** A replaced producer connects on its shard's next send, so the shards stay usable throughout. */
  isConnected(): boolean {
    return true;
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.#producers.map((p) => p.disconnect()));
  }

  async #sendThrough(shard: number, batches: TopicRecords[]): Promise<readonly LogPosition[]> {
    const producer = this.#producers[shard] as RecordProducer;
    if (this.#unconnected.has(shard)) {
      // Takes the new producer id; while Kafka is away this fails, and so does the send: the next one tries again.
      await producer.connect(this.#signal);
      this.#unconnected.delete(shard);
    }
    const started = performance.now();
    try {
      const produced = await producer.send(batches);
      this.hooks.onSendAcknowledged?.((performance.now() - started) / 1000);
      return positionsReached(batches, produced);
    } catch (error) {
      const reason = producerStateLost(error);
      if (reason !== undefined && !this.#signal.aborted) {
        this.#replace(shard, producer, reason, error);
      }
      throw error;
    }
  }

  /** The queue sends one request at a time, so nothing else uses the old producer meanwhile. */
  #replace(shard: number, old: RecordProducer, reason: string, error: unknown): void {
    this.#producers[shard] = this.newProducer();
    this.#unconnected.add(shard);
    this.hooks.onProducerReset?.({ shard, reason, error });
    void old.disconnect().catch(() => {});
  }
}
