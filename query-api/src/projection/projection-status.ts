import type { EndOffset } from "../kafka/end-offsets";
import type { ProjectedPartition } from "../postgres/projection-checkpoints";

export interface PartitionStatus {
  readonly topic: string;
  readonly partition: number;
  readonly projectedOffset: bigint;
  /** Undefined when the end of the log is unknown (Kafka not configured or not answering). */
  readonly endOffset?: bigint;
  readonly lag?: bigint;
}

/**
 * Joins what was projected with where the log ends. A partition that has records but no
 * checkpoint yet shows projected offset 0: everything in it is lag.
 */
export function partitionStatuses(projected: readonly ProjectedPartition[], ends: readonly EndOffset[] | undefined): PartitionStatus[] {
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const byKey = new Map<string, PartitionStatus>();
  for (const p of projected) {
    byKey.set(key(p.topic, p.partition), { topic: p.topic, partition: p.partition, projectedOffset: p.nextOffset });
  }
  for (const end of ends ?? []) {
    const projectedOffset = byKey.get(key(end.topic, end.partition))?.projectedOffset ?? 0n;
    const lag = end.endOffset > projectedOffset ? end.endOffset - projectedOffset : 0n;
    byKey.set(key(end.topic, end.partition), { topic: end.topic, partition: end.partition, projectedOffset, endOffset: end.endOffset, lag });
  }
  return [...byKey.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

/**
 * Records not yet projected in the partitions whose end is known (checkpoints of topics
 * no longer read, e.g. of an old namespace, have no end and do not count).
 */
export function totalLag(statuses: readonly PartitionStatus[]): bigint {
  return statuses.reduce((sum, s) => sum + (s.lag ?? 0n), 0n);
}
