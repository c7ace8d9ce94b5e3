import type { CustomObject } from "../kubernetes/cluster";
import { topicNameOf } from "../scale/partition-count";

export type TopicChange =
  | { readonly kind: "missing"; readonly topic: string }
  | { readonly kind: "partitions"; readonly topic: string; readonly live: number | undefined; readonly desired: number }
  /** Kafka cannot take partitions away: the only fix is a new topic, which loses the log. */
  | { readonly kind: "partitions-shrink"; readonly topic: string; readonly live: number; readonly desired: number }
  | { readonly kind: "config"; readonly topic: string; readonly key: string; readonly live: string | undefined; readonly desired: string }
  /** In the cluster, labelled for this Kafka cluster, unknown to the schemas: reported, never deleted. */
  | { readonly kind: "unknown"; readonly topic: string };

/** How the live KafkaTopics differ from the desired ones (only what the desired ones set). */
export function topicDrift(desired: readonly CustomObject[], live: readonly CustomObject[], cluster: string): TopicChange[] {
  const liveByName = new Map(live.map((resource) => [topicNameOf(resource), resource]));
  const changes: TopicChange[] = [];
  for (const want of desired) {
    const topic = topicNameOf(want);
    const have = liveByName.get(topic);
    if (have === undefined) {
      changes.push({ kind: "missing", topic });
      continue;
    }
    const desiredPartitions = numberOf(want.spec?.partitions);
    const livePartitions = numberOf(have.spec?.partitions);
    if (desiredPartitions !== undefined && livePartitions !== desiredPartitions) {
      changes.push(
        livePartitions !== undefined && livePartitions > desiredPartitions
          ? { kind: "partitions-shrink", topic, live: livePartitions, desired: desiredPartitions }
          : { kind: "partitions", topic, live: livePartitions, desired: desiredPartitions },
      );
    }
    const liveConfig = recordOf(have.spec?.config);
    for (const [key, value] of Object.entries(recordOf(want.spec?.config))) {
      const current = liveConfig[key] === undefined ? undefined : String(liveConfig[key]);
      if (current !== String(value)) {
        changes.push({ kind: "config", topic, key, live: current, desired: String(value) });
      }
    }
  }
  const wanted = new Set(desired.map(topicNameOf));
  for (const resource of live) {
    if (resource.metadata.labels?.["strimzi.io/cluster"] === cluster && !wanted.has(topicNameOf(resource))) {
      changes.push({ kind: "unknown", topic: topicNameOf(resource) });
    }
  }
  return changes;
}

export function canApply(change: TopicChange): boolean {
  return change.kind !== "partitions-shrink" && change.kind !== "unknown";
}

export function describeChange(change: TopicChange): string {
  switch (change.kind) {
    case "missing":
      return `${change.topic}: missing (will be created)`;
    case "partitions":
      return `${change.topic}: partitions ${change.live ?? "unset"} → ${change.desired}`;
    case "partitions-shrink":
      return `${change.topic}: partitions ${change.live} in the cluster, ${change.desired} in the schemas: partitions cannot shrink (left as is)`;
    case "config":
      return `${change.topic}: config ${change.key} ${change.live ?? "unset"} → ${change.desired}`;
    case "unknown":
      return `${change.topic}: in the cluster but not in the schemas (left as is; delete its KafkaTopic by hand if it is obsolete)`;
  }
}

function numberOf(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
