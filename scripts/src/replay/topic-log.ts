/** One record as the log holds it, before decoding. */
export interface RawRecord {
  readonly partition: number;
  readonly offset: bigint;
  /** The record's timestamp (CreateTime, set by the producer). */
  readonly timestamp: Date;
  readonly value: Uint8Array | null;
}

/** Where to look a partition's offset up: its first record, its end, or the first record at or after a time. */
export type OffsetQuery = "earliest" | "latest" | Date;

/**
 * Read-only access to a topic's partitions by offset. It joins no consumer
 * group and commits nothing, so replaying cannot move anyone's position.
 */
export interface TopicLog {
  partitions(topic: string): Promise<number[]>;
  /** Per partition: the offset the query resolves to; a time after the last record gives the end. */
  offsetsAt(topic: string, query: OffsetQuery): Promise<Map<number, bigint>>;
  /** The records of [from, to) in offset order. */
  read(topic: string, partition: number, from: bigint, to: bigint): AsyncIterable<RawRecord>;
  close(): Promise<void>;
}
