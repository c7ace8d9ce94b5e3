import { Admin, ConfigResourceTypes, ConfigSources } from "@platformatic/kafka";
import { afterAll, describe, expect, inject, it } from "vitest";
import { eventTopics, locationsTopic, parseRetention, personsTopic, RETAIN_FOREVER, topicName, type Retention } from "@udaconnect/schemas";
import { eventually, uniqueNamespace } from "@udaconnect/test-support";
import { loadConfig } from "../src/config";
import { ensureTopics } from "../src/kafka/ensure-topics";
import type { RetentionChange } from "@udaconnect/kafka-connection";
import { gatewayTest } from "./fixtures";

const brokers = inject("kafkaBrokers");
const retention = (text: string): Retention => parseRetention(text) ?? RETAIN_FOREVER;

describe("the topics' retention.ms follows LOCATION_RETENTION", () => {
  const admin = new Admin({ clientId: "ingest-test-retention", bootstrapBrokers: brokers.split(",") });
  afterAll(() => admin.close());

  /**
   * retention.ms and min.insync.replicas of the namespace's locations and persons topics; the
   * latter with whether it is the topic's own override (a single broker's default is 1 too).
   */
  async function configsOf(namespace: string): Promise<string[][]> {
    const names = [locationsTopic, personsTopic].map((t) => topicName(t, namespace));
    const resources = await admin.describeConfigs({
      resources: names.map((name) => ({
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: name,
        configurationKeys: ["retention.ms", "min.insync.replicas"],
      })),
    });
    return names.map((name) => {
      const entries = resources.find((r) => r.resourceName === name)?.configs ?? [];
      const entry = (key: string) => entries.find((e) => e.name === key);
      const minInSync = entry("min.insync.replicas");
      return [entry("retention.ms")?.value ?? "", `${minInSync?.value} (${minInSync?.configSource === ConfigSources.TOPIC_CONFIG ? "topic" : "default"})`];
    });
  }

  gatewayTest("the gateway creates the locations topic with the retention", async ({ startGateway }) => {
    const namespace = uniqueNamespace();
    const server = await startGateway({ topicNamespace: namespace, locationRetention: retention("90d") });
    await eventually(() => expect(server.isReady()).toBe(true), { timeoutMs: 20_000 });
    await server.close();

    expect(await configsOf(namespace)).toEqual([
      ["7776000000", "1 (topic)"],
      ["-1", "1 (topic)"],
    ]);
  });

  it("sets an existing topic's retention.ms when it differs, keeping its other settings, and only then", async () => {
    const namespace = uniqueNamespace();
    // Retried as the gateway does: right after a creation the broker may refuse metadata for a moment.
    await eventually(() => ensureTopics(admin, namespace, true, { topics: eventTopics(retention("90d")) }), { timeoutMs: 20_000 });
    const changes: RetentionChange[] = [];
    const hear = { onRetentionChanged: (change: RetentionChange) => void changes.push(change) };

    await ensureTopics(admin, namespace, true, { topics: eventTopics(retention("12h")), ...hear });
    // The broker forwards the change to the KRaft controller and answers once it is committed; its own
    // DescribeConfigs answers from its metadata image, which may show the old value for a moment.
    const afterChange = await eventually(async () => {
      const configs = await configsOf(namespace);
      expect(configs[0]?.[0]).toBe("43200000");
      return configs;
    });
    await ensureTopics(admin, namespace, true, { topics: eventTopics(retention("12h")), ...hear });
    await ensureTopics(admin, namespace, false, { topics: eventTopics(RETAIN_FOREVER), ...hear });

    expect(changes).toEqual([{ topic: topicName(locationsTopic, namespace), from: "7776000000", to: "43200000" }]);
    expect(afterChange).toEqual([
      ["43200000", "1 (topic)"],
      ["-1", "1 (topic)"],
    ]);
    // INGEST_CREATE_TOPICS=false leaves the topics to the deployment (Strimzi's KafkaTopic): nothing changed.
    expect(await configsOf(namespace)).toEqual(afterChange);
  });

  it("refuses a malformed LOCATION_RETENTION at start, naming it", () => {
    expect(() => loadConfig({ KAFKA_BROKERS: brokers, AUTH_DISABLED: "true", LOCATION_RETENTION: "3 months" })).toThrow(
      /LOCATION_RETENTION must be "forever" or a positive duration like "90d".*got "3 months"/,
    );
    // Other variables may be missing here; none of the problems is LOCATION_RETENTION's.
    expect(() => loadConfig({ KAFKA_BROKERS: brokers, AUTH_DISABLED: "true", LOCATION_RETENTION: "30d" })).not.toThrow(/LOCATION_RETENTION/);
  });
});
