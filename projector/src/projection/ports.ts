import type { SkippedRecord, SourceRecord } from "./changes";

/** The records of one fetch from one partition, in offset order. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** The offset the consumer asked for: where it believes the partition stands. */
  readonly fetchedOffset: bigint;
  /** Last offset of the batch, counting records the client filtered out (control records). */
  readonly lastOffset: bigint;
  readonly records: readonly (SourceRecord & { readonly key: Uint8Array | null })[];
}

export interface BatchResult {
  /** The partition's checkpoint after the batch: where consumption must resume. */
  readonly nextOffset: bigint;
  readonly personsUpserted: number;
  readonly personsPatched: number;
  /** Check-ins deleted by the batch's erasures. */
  readonly locationsErased: number;
  /** Rows added; lower than the batch's locations when some event ids were already projected. */
  readonly locationsInserted: number;
  /** Check-ins left out because they occurred before the retention's bound (LOCATION_RETENTION). */
  readonly locationsExpired: number;
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

/** A record that cannot be projected, as the dead-letter topic keeps it. */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly reason: string;
}

/** Appends records to the dead-letter topic; resolves once the broker acknowledged them. */
export type DeadLetter = (records: readonly DeadLetterRecord[]) => Promise<void>;

/** Which generation of the read models a projector writes: the live one, whichever it is, or one by number. */
export type GenerationTarget = { readonly kind: "live" } | { readonly kind: "generation"; readonly generation: number };
