import type { TopicLog } from "./topic-log";

/** Where a replay starts or stops: the log's edge (beginning or current end), a time, or offsets per partition. */
export type Bound =
  | { readonly kind: "edge" }
  | { readonly kind: "time"; readonly at: Date }
  | { readonly kind: "offsets"; readonly offsets: ReadonlyMap<number, bigint> };

export interface PartitionRange {
  readonly partition: number;
  readonly from: bigint;
  /** Exclusive. */
  readonly to: bigint;
}

export interface ResolvedRange {
  readonly partitions: readonly PartitionRange[];
  /**
   * Record timestamps to keep when a bound is a time: offsets-for-times finds the
   * first record at or after a time, but producers' clocks may put an earlier
   * timestamp after it, so records are checked too.
   */
  readonly timeWindow: { readonly from?: Date; readonly to?: Date };
}

/**
 * Resolves the bounds to offsets once, at the start: records appended while the
 * replay runs are not read, so it always ends. Partitions not named by an
 * offsets bound are read from the beginning or to the end.
 */
export async function resolveRange(log: TopicLog, topic: string, from: Bound, to: Bound): Promise<ResolvedRange> {
  const [earliest, latest] = await Promise.all([log.offsetsAt(topic, "earliest"), log.offsetsAt(topic, "latest")]);
  const start = await offsetsFor(log, topic, from, earliest);
  const end = await offsetsFor(log, topic, to, latest);
  const partitions = [...latest.keys()]
    .sort((a, b) => a - b)
    .map((partition) => {
      const first = earliest.get(partition) ?? 0n;
      const last = latest.get(partition) ?? 0n;
      return {
        partition,
        from: clamp(start.get(partition) ?? first, first, last),
        to: clamp(end.get(partition) ?? last, first, last),
      };
    });
  return {
    partitions: partitions.filter((p) => p.from < p.to),
    timeWindow: { ...(from.kind === "time" ? { from: from.at } : {}), ...(to.kind === "time" ? { to: to.at } : {}) },
  };
}

async function offsetsFor(log: TopicLog, topic: string, bound: Bound, edge: ReadonlyMap<number, bigint>): Promise<ReadonlyMap<number, bigint>> {
  switch (bound.kind) {
    case "edge":
      return edge;
    case "time":
      return log.offsetsAt(topic, bound.at);
    case "offsets": {
      const unknown = [...bound.offsets.keys()].filter((p) => !edge.has(p));
      if (unknown.length > 0) throw new Error(`topic ${topic} has no partition ${unknown.join(", ")}`);
      return bound.offsets;
    }
  }
}

function clamp(value: bigint, min: bigint, max: bigint): bigint {
  return value < min ? min : value > max ? max : value;
}

export function inTimeWindow(timestamp: Date, window: ResolvedRange["timeWindow"]): boolean {
  return (window.from === undefined || timestamp >= window.from) && (window.to === undefined || timestamp < window.to);
}
