import { allTopics, deadLetterTopic, locationsTopic, type TopicSpec } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { GENERATED_HEADER, kafkaTopicsYaml } from "./kafka-topics-yaml";

describe("kafkaTopicsYaml", () => {
  it("writes one KafkaTopic per topic, sorted by name, with partitions and retention from topics.ts", () => {
    const yaml = kafkaTopicsYaml([...allTopics, deadLetterTopic]);

    expect(yaml.startsWith(`${GENERATED_HEADER}\n`)).toBe(true);
    expect([...yaml.matchAll(/^ {2}name: (.+)$/gm)].map((m) => m[1])).toEqual([
      "udaconnect.dead-letter.v1",
      "udaconnect.locations.v1",
      "udaconnect.persons.v1",
    ]);
    expect(yaml).toContain(
      [
        "kind: KafkaTopic",
        "metadata:",
        "  name: udaconnect.locations.v1",
        "  labels:",
        "    strimzi.io/cluster: udaconnect",
        "    app.kubernetes.io/part-of: udaconnect",
        "spec:",
        "  partitions: 6",
        "  config:",
        "    retention.ms: -1",
      ].join("\n"),
    );
    expect(yaml).toContain("  partitions: 1\n  config:\n    retention.ms: 1209600000\n");
  });

  it("refuses a topic whose name is not a Kubernetes resource name", () => {
    const odd: TopicSpec = { ...locationsTopic, name: "Udaconnect_Locations" };

    expect(() => kafkaTopicsYaml([odd])).toThrow(/not a valid Kubernetes resource name/);
  });
});
