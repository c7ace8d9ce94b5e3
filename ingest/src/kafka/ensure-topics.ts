import type { Admin, Kafka } from "kafkajs";
import { allTopics, topicName, type TopicSpec } from "@udaconnect/schemas";

/**
 * Creates the UdaConnect topics of `namespace` that do not exist yet (the
 * brokers have auto-creation off). Topics that exist are left as they are,
 * even with other settings: changing a live topic is an operator's decision
 * (in Kubernetes the topics are declared as Strimzi KafkaTopic resources).
 */
export async function ensureTopics(kafka: Kafka, namespace: string): Promise<PartitionCounts> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = allTopics.filter((spec) => !existing.has(topicName(spec, namespace)));
    if (missing.length > 0) {
      await createMissing(admin, missing, namespace);
    }
    const { topics } = await admin.fetchTopicMetadata({ topics: allTopics.map((spec) => topicName(spec, namespace)) });
    return new Map(topics.map((t) => [t.name, t.partitions.length]));
  } finally {
    await admin.disconnect();
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
