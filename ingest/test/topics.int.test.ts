import { ConfigResourceTypes } from "@platformatic/kafka";
import { describe, expect } from "vitest";
import { allTopics, topicName } from "@udaconnect/schemas";
import { eventually, uniqueNamespace } from "@udaconnect/test-support";
import { gatewayTest } from "./fixtures";

describe("topics at start", () => {
  gatewayTest("creates the namespace's topics with their partitions, and starts again when they exist", async ({ admin, startGateway }) => {
    const namespace = uniqueNamespace();
    const startAndAwaitReady = async () => {
      const gateway = await startGateway({ topicNamespace: namespace });
      await eventually(() => expect(gateway.isReady()).toBe(true), { timeoutMs: 20_000 });
      return gateway;
    };

    await (await startAndAwaitReady()).close();
    await (await startAndAwaitReady()).close();

    const names = allTopics.map((t) => topicName(t, namespace));
    const { topics } = await admin.metadata({ topics: names, forceUpdate: true });
    expect([...topics].map(([name, t]) => [name, t.partitionsCount]).sort()).toEqual([
      [`${namespace}.udaconnect.locations.v1`, 6],
      [`${namespace}.udaconnect.persons.v1`, 3],
    ]);
    const configs = await admin.describeConfigs({
      resources: names.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: ["min.insync.replicas"] })),
    });
    expect(configs.map((r) => r.configs.map((e) => [e.name, e.value]))).toEqual([[["min.insync.replicas", "1"]], [["min.insync.replicas", "1"]]]);
  });
});
