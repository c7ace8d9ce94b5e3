import { randomUUID } from "node:crypto";
import { Kafka, logLevel, type Admin, type ITopicConfig } from "kafkajs";
import { allTopics, topicName } from "@udaconnect/schemas";
import { eventually } from "./eventually";

/** A topic namespace no other test uses: `topicName(spec, namespace)` gives its topics. */
export function uniqueNamespace(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** Creates every UdaConnect topic inside `namespace`, as the deployment would. */
export async function createTopics(brokers: string, namespace: string): Promise<void> {
  const admin = new Kafka({ clientId: "test-support", brokers: brokers.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  // Retention as deployed (-1: keep everything): tests write records stamped months ago, which
  // the broker's default 7-day retention would otherwise delete under the test's feet.
  const topics = allTopics.map((t) => ({
    topic: topicName(t, namespace),
    numPartitions: t.partitions,
    replicationFactor: 1,
    configEntries: [{ name: "retention.ms", value: String(t.retentionMs) }],
  }));
  try {
    await createTopicsWithLeaders(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the topics and waits until every partition has a leader. On a busy broker the
 * creation can be acknowledged before its metadata has spread, and kafkajs's own
 * waitForLeaders then fails with "does not host this topic-partition": that retriable
 * refusal is ignored, and the metadata polled until it shows every partition led.
 */
export async function createTopicsWithLeaders(admin: Admin, topics: readonly ITopicConfig[]): Promise<void> {
  await admin.createTopics({ waitForLeaders: true, topics: [...topics] }).catch((error: unknown) => {
    if (!(error instanceof Error && "retriable" in error && error.retriable === true)) throw error;
  });
  await eventually(async () => {
    const { topics: found } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
    for (const t of topics) {
      const partitions = found.find((f) => f.name === t.topic)?.partitions ?? [];
      if (partitions.length !== (t.numPartitions ?? partitions.length) || partitions.length === 0 || partitions.some((p) => p.leader < 0)) {
        throw new Error(`topic ${t.topic} has no leader for every partition yet`);
      }
    }
  });
}
