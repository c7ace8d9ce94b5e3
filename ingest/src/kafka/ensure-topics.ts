import type { Admin, Kafka } from "kafkajs";
import { allTopics, topicName, type TopicSpec } from "@udaconnect/schemas";
import { reconcileRetention, type RetentionChange } from "@udaconnect/kafka-connection";

/**
 * Creates the UdaConnect topics of `namespace` that do not exist yet (the
 * brokers have auto-creation off), or with `create` false only checks that
 * they exist with at least their partitions (in Kubernetes the topics are
 * Strimzi KafkaTopic resources, and ingest's KafkaUser has no Create ACL).
 * Topics that exist are left as they are, even with other settings (changing
 * a live topic is an operator's decision), except for retention.ms, which
 * follows LOCATION_RETENTION when `create` is true (docs/decisions/0008).
 */
export async function ensureTopics(kafka: Kafka, namespace: string, create = true, options: EnsureTopicsOptions = {}): Promise<PartitionCounts> {
  const specs = options.topics ?? allTopics;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(topicName(spec, namespace)));
    if (missing.length > 0 && create) {
      await createMissing(admin, missing, namespace);
    }
    if (create) {
      const declared = new Map(specs.filter((spec) => !missing.includes(spec)).map((spec) => [topicName(spec, namespace), spec.retentionMs]));
      for (const change of await reconcileRetention(admin, declared)) {
        options.onRetentionChanged?.(change);
      }
    }
    const present = create ? specs : specs.filter((spec) => !missing.includes(spec));
    const { topics } = await admin.fetchTopicMetadata({ topics: present.map((spec) => topicName(spec, namespace)) });
    const counts: PartitionCounts = new Map(topics.map((t) => [t.name, t.partitions.length]));
    if (!create) {
      requireEnoughPartitions(missing, present, counts, namespace);
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

export interface EnsureTopicsOptions {
  /** The topics with their declared retention (eventTopics of LOCATION_RETENTION); allTopics by default. */
  readonly topics?: readonly TopicSpec[];
  /** Hears each existing topic whose retention.ms was set to the declared value. */
  readonly onRetentionChanged?: (change: RetentionChange) => void;
}

/** The gateway was told not to create topics (INGEST_CREATE_TOPICS=false) and some are missing or have too few partitions. */
export class TopicsNotReadyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Kafka topics are not ready: ${problems.join("; ")}. INGEST_CREATE_TOPICS=false leaves creating them to the ` +
        "deployment: apply the KafkaTopic resources (infra/k8s) or create the topics, and the gateway becomes ready by itself.",
    );
    this.name = "TopicsNotReadyError";
  }
}

function requireEnoughPartitions(missing: readonly TopicSpec[], present: readonly TopicSpec[], counts: PartitionCounts, namespace: string): void {
  const problems = missing.map((spec) => `${topicName(spec, namespace)} does not exist (needs ${spec.partitions} partitions)`);
  for (const spec of present) {
    const name = topicName(spec, namespace);
    const count = counts.get(name) ?? 0;
    if (count < spec.partitions) {
      problems.push(`${name} has ${count} partitions, fewer than the ${spec.partitions} it is declared with`);
    }
  }
  if (problems.length > 0) {
    throw new TopicsNotReadyError(problems);
  }
}

/** Partitions of each topic by name: the gateway picks partitions itself so it can tell each write's offsets. */
export type PartitionCounts = ReadonlyMap<string, number>;

async function createMissing(admin: Admin, missing: readonly TopicSpec[], namespace: string): Promise<void> {
  const { brokers } = await admin.describeCluster();
  // acks=all is only as durable as the in-sync replicas: three copies, two
  // of which must have a record before it counts, where brokers allow it.
  const replicationFactor = Math.min(3, brokers.length);
  const minInSyncReplicas = Math.max(1, replicationFactor - 1);
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((spec) => ({
      topic: topicName(spec, namespace),
      numPartitions: spec.partitions,
      replicationFactor,
      configEntries: [
        { name: "min.insync.replicas", value: String(minInSyncReplicas) },
        { name: "retention.ms", value: String(spec.retentionMs) },
      ],
    })),
  });
}
