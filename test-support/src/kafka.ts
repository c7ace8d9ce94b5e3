import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { allTopics, topicName } from "@udaconnect/schemas";

/** A topic namespace no other test uses: `topicName(spec, namespace)` gives its topics. */
export function uniqueNamespace(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

/** Creates every UdaConnect topic inside `namespace`, as the deployment would. */
export async function createTopics(brokers: string, namespace: string): Promise<void> {
  const admin = new Kafka({ clientId: "test-support", brokers: brokers.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: allTopics.map((t) => ({ topic: topicName(t, namespace), numPartitions: t.partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}
