import { ConfigResourceTypes, Kafka, logLevel } from "kafkajs";
import { describe, expect, inject, it } from "vitest";
import { allTopics, topicName } from "@udaconnect/schemas";
import { eventually, uniqueNamespace } from "@udaconnect/test-support";
import { silentLogger, startIngestServer } from "../src/index";

async function startAndAwaitReady(brokers: string, namespace: string) {
  const server = await startIngestServer({ kafkaBrokers: brokers, topicNamespace: namespace, port: 0, logger: silentLogger });
  await eventually(() => expect(server.isReady()).toBe(true), { timeoutMs: 20_000 });
  return server;
}

describe("topics at start", () => {
  it("creates the namespace's topics with their partitions, and starts again when they exist", async () => {
    const brokers = inject("kafkaBrokers");
    const namespace = uniqueNamespace();
    const admin = new Kafka({ clientId: "ingest-test-admin", brokers: brokers.split(","), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await (await startAndAwaitReady(brokers, namespace)).close();
      const again = await startAndAwaitReady(brokers, namespace);
      await again.close();

      const names = allTopics.map((t) => topicName(t, namespace));
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
        [`${namespace}.udaconnect.locations.v1`, 6],
        [`${namespace}.udaconnect.persons.v1`, 3],
      ]);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ["min.insync.replicas"] })),
      });
      expect(configs.resources.map((r) => r.configEntries.map((e) => [e.configName, e.configValue]))).toEqual([
        [["min.insync.replicas", "1"]],
        [["min.insync.replicas", "1"]],
      ]);
    } finally {
      await admin.disconnect();
    }
  });
});
