import { existsSync, readFileSync } from "node:fs";
import { loadAllYaml } from "@kubernetes/client-node";
import { allTopics, deadLetterTopic } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import type { CustomObject } from "../kubernetes/cluster";
import { kafkaTopicResources, UDACONNECT_TOPICS } from "./kafka-topic-resources";
import { canApply, describeChange, topicDrift } from "./topic-drift";

const desired = kafkaTopicResources(UDACONNECT_TOPICS, { cluster: "udaconnect", namespace: "kafka" });

function live(name: string, spec: Record<string, unknown>, cluster = "udaconnect"): CustomObject {
  return { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaTopic", metadata: { name, namespace: "kafka", labels: { "strimzi.io/cluster": cluster } }, spec };
}

describe("kafkaTopicResources", () => {
  it("makes one KafkaTopic per topic of the schemas, dead letters included, replicas left to the broker", () => {
    expect(UDACONNECT_TOPICS.map((t) => t.name)).toEqual([...allTopics.map((t) => t.name), deadLetterTopic.name]);
    expect(desired.find((r) => r.metadata.name === "udaconnect.locations.v1")).toEqual({
      apiVersion: "kafka.strimzi.io/v1",
      kind: "KafkaTopic",
      metadata: {
        name: "udaconnect.locations.v1",
        namespace: "kafka",
        labels: { "strimzi.io/cluster": "udaconnect", "app.kubernetes.io/part-of": "udaconnect" },
      },
      spec: { partitions: 6, config: { "retention.ms": -1 } },
    });
  });

  const generated = new URL("../../../infra/k8s/components/kafka-strimzi/kafka-topics.yaml", import.meta.url);
  it.runIf(existsSync(generated))("builds the same objects as the generated infra/k8s/components/kafka-strimzi/kafka-topics.yaml", () => {
    const fromYaml = (loadAllYaml(readFileSync(generated, "utf8")) as CustomObject[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const ours = kafkaTopicResources(UDACONNECT_TOPICS, { cluster: "udaconnect" }).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(fromYaml).toEqual(ours);
  });
});

describe("topicDrift", () => {
  it("finds nothing when the cluster matches (config values compared as text)", () => {
    const same = desired.map((r) =>
      live(r.metadata.name, {
        partitions: r.spec?.partitions,
        config: { "retention.ms": String((r.spec?.config as Record<string, unknown> | undefined)?.["retention.ms"]) },
      }),
    );
    expect(topicDrift(desired, same, "udaconnect")).toEqual([]);
  });

  it("reports missing topics, partition changes, config changes and topics unknown to the schemas", () => {
    const changes = topicDrift(
      desired,
      [
        live("udaconnect.persons.v1", { partitions: 2, config: { "retention.ms": -1 } }),
        live("udaconnect.locations.v1", { partitions: 12, config: { "retention.ms": 604800000, "cleanup.policy": "compact" } }),
        live("udaconnect.legacy.v0", { partitions: 1 }),
        live("someone-elses", { partitions: 1 }, "other-cluster"),
      ],
      "udaconnect",
    );
    expect(changes.map(describeChange)).toEqual([
      "udaconnect.persons.v1: partitions 2 → 3",
      "udaconnect.locations.v1: partitions 12 in the cluster, 6 in the schemas: partitions cannot shrink (left as is)",
      "udaconnect.locations.v1: config retention.ms 604800000 → -1",
      "udaconnect.dead-letter.v1: missing (will be created)",
      "udaconnect.legacy.v0: in the cluster but not in the schemas (left as is; delete its KafkaTopic by hand if it is obsolete)",
    ]);
    expect(changes.map(canApply)).toEqual([true, false, true, true, false]);
  });
});
