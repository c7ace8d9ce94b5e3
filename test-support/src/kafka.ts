import { randomUUID } from "node:crypto";
import { Admin } from "@platformatic/kafka";
import { allTopics, topicName } from "@udaconnect/schemas";
import { eventually } from "./eventually";

/** A topic namespace no other test uses: `topicName(spec, namespace)` gives its topics. */
export function uniqueNamespace(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** A topic a test creates: its name, its partitions and the configuration it overrides. */
export interface TopicToCreate {
  readonly topic: string;
  readonly numPartitions: number;
  readonly configEntries?: readonly { readonly name: string; readonly value: string }[];
}

/** Creates every UdaConnect topic inside `namespace`, as the deployment would. */
export async function createTopics(brokers: string, namespace: string): Promise<void> {
  // Retention as deployed (-1: keep everything): tests write records stamped months ago, which
  // the broker's default 7-day retention would otherwise delete under the test's feet.
  await createTopicsWithLeaders(
    brokers,
    allTopics.map((t) => ({
      topic: topicName(t, namespace),
      numPartitions: t.partitions,
      configEntries: [{ name: "retention.ms", value: String(t.retentionMs) }],
    })),
  );
}

/**
 * Creates the topics (replication factor 1) and waits until every partition has a leader:
 * on a busy broker the creation is acknowledged before its metadata has spread, and a client
 * asking at once would be told the topic or its leader is unknown.
 */
export async function createTopicsWithLeaders(brokers: string, topics: readonly TopicToCreate[]): Promise<void> {
  const admin = new Admin({ clientId: "test-support", bootstrapBrokers: brokers.split(",") });
  try {
    await Promise.all(
      topics.map((t) =>
        admin.createTopics({ topics: [t.topic], partitions: t.numPartitions, replicas: 1, configs: [...(t.configEntries ?? [])] }).catch((error: unknown) => {
          // A retried request whose first attempt had created the topic: the names are unique per test.
          if (!hasApiError(error, "TOPIC_ALREADY_EXISTS")) throw error;
        }),
      ),
    );
    await eventually(async () => {
      const { topics: found } = await admin.metadata({ topics: topics.map((t) => t.topic), forceUpdate: true });
      for (const t of topics) {
        const partitions = found.get(t.topic)?.partitions ?? [];
        if (partitions.length !== t.numPartitions || partitions.some((p) => p.leader < 0)) {
          throw new Error(`topic ${t.topic} has no leader for every partition yet`);
        }
      }
    });
  } finally {
    await admin.close();
  }
}

/** True when Kafka answered with this error (e.g. "TOPIC_ALREADY_EXISTS") somewhere in the client's error chain. */
function hasApiError(error: unknown, apiId: string): boolean {
  const findBy = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy;
  return typeof findBy === "function" && Boolean(findBy.call(error, "apiId", apiId));
}
