import type { PartitionCount } from "./partition-count";

export type ScaleVerdict = { readonly kind: "allowed" } | { readonly kind: "refused"; readonly message: string };

/**
 * The projector scales out by consumer group: each replica owns some partitions of the
 * locations topic, so replicas beyond the partition count would sit idle holding a
 * pod's resources. Zero is allowed (projection paused).
 */
export function checkProjectorReplicas(replicas: number, count: PartitionCount): ScaleVerdict {
  if (replicas <= count.partitions) {
    return { kind: "allowed" };
  }
  return {
    kind: "refused",
    message: `refusing to scale the projector to ${replicas}: the locations topic has ${count.partitions} partitions (from ${count.source}), so at most ${count.partitions} replicas get work. Add partitions first (schemas/src/topics.ts, then scripts/ops topics), or scale to ${count.partitions} or fewer`,
  };
}
