import type { SkippedRecord, SourceRecord } from "./changes";

/** The records of one fetch from one partition, in offset order. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** The offset the consumer asked for: where it believes the partition stands. */
  readonly fetchedOffset: bigint;
  /** Last offset of the batch, counting records the client filtered out (control records). */
  readonly lastOffset: bigint;
  readonly records: readonly SourceRecord[];
}

export interface BatchResult {
  /** The partition's checkpoint after the batch: where consumption must resume. */
  readonly nextOffset: bigint;
  readonly personsUpserted: number;
  /** Rows added; lower than the batch's locations when some event ids were already projected. */
  readonly locationsInserted: number;
  readonly skipped: readonly SkippedRecord[];
  readonly alreadyApplied: number;
  /** The checkpoint the batch started from; a fetch that began past it skipped records. */
  readonly checkpointBefore: bigint;
}

/** Applies a batch and moves its partition's checkpoint, atomically. */
export type ProjectBatch = (batch: PartitionBatch) => Promise<BatchResult>;

export interface PartitionCheckpoint {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

/** The stored checkpoints of `topics` (partitions never projected have none). */
export type ReadCheckpoints = (topics: readonly string[]) => Promise<readonly PartitionCheckpoint[]>;
