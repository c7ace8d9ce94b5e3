import type { LogPosition } from "@udaconnect/schemas";

/** Where the producers run (INGEST_KAFKA_THREAD): on the gateway's main thread, or in a worker thread of their own. */
export const KAFKA_THREADS = ["main", "worker"] as const;
export type KafkaThreadName = (typeof KAFKA_THREADS)[number];

/** One record as the gateway hands it to a client: transport only (topic, key, value bytes, headers, partition). */
export interface OutgoingRecord {
  /** The person id: it picks the partition (see partitions.ts). */
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** Set by assignPartitions before a send. */
  readonly partition?: number;
}

export interface TopicRecords {
  readonly topic: string;
  readonly messages: OutgoingRecord[];
}

/** What a produce response says of one partition: where the write's records there begin. */
export interface ProducedRange {
  readonly topicName: string;
  readonly partition: number;
  readonly baseOffset?: bigint;
}

/**
 * One idempotent producer with acks=all (platformatic/platformatic-producer.ts).
 * The caller (SendQueue) never overlaps two sends
 * of one producer, and every record's partition is set.
 */
export interface RecordProducer {
  /** Resolves once the producer can send (or rejects, for the caller to retry); gives up when `signal` aborts. */
  readonly connect: (signal: AbortSignal) => Promise<void>;
  /** One produce request for all of `batches`; resolves after acks=all with each partition's base offset. */
  readonly send: (batches: readonly TopicRecords[]) => Promise<readonly ProducedRange[]>;
  readonly disconnect: () => Promise<void>;
}

/**
 * The gateway's producers as the event log uses them: records whose
 * partitions are set go out through the producer owning each partition.
 * ProducerShards runs them on the calling thread, ProducerThread in a worker.
 */
export interface PartitionedProducers {
  /** Resolves with the positions reached once every partition's producer has its records acknowledged. */
  send(placed: readonly TopicRecords[]): Promise<LogPosition[]>;
  connect(signal: AbortSignal): Promise<void>;
  /** False while no producer can send (a worker thread being replaced). */
  isConnected(): boolean;
  disconnect(): Promise<void>;
}
