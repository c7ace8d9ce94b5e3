import { ConfigResourceTypes } from "kafkajs";
import { describe, expect } from "vitest";
import { allTopics, topicName } from "@udaconnect/schemas";
import { eventually, uniqueNamespace } from "@udaconnect/test-support";
import { gatewayTest } from "./fixtures";

describe("topics at start", () => {
  gatewayTest("creates the namespace's topics with their partitions, and starts again when they exist", async ({ kafkaAdmin: admin, startGateway }) => {
    const namespace = uniqueNamespace();
    const startAndAwaitReady = async () => {
      const gateway = await startGateway({ topicNamespace: namespace });
      await eventually(() => expect(gateway.isReady()).toBe(true), { timeoutMs: 20_000 });
      return gateway;
    };

    await (await startAndAwaitReady()).close();
    await (await startAndAwaitReady()).close();

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
  });
});
