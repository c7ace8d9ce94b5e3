import { describe, expect, inject, it } from "vitest";
import { deadLetterTopic, topicName } from "@udaconnect/schemas";
import { createTestDatabase, createTopics, uniqueNamespace } from "@udaconnect/test-support";
import { silentLogger } from "@udaconnect/observability";
import { MissingTopicsError, startProjector } from "../src/index";

describe("the dead-letter topic with PROJECTOR_CREATE_TOPICS=false (Strimzi's KafkaTopics own it)", () => {
  it("is required like the topics the projector reads, not created", async () => {
    const brokers = inject("kafkaBrokers");
    const namespace = uniqueNamespace();
    await createTopics(brokers, namespace);
    const database = await createTestDatabase(inject("databaseUrl"));
    try {
      const starting = startProjector({ kafkaBrokers: brokers, databaseUrl: database.url, topicNamespace: namespace, createTopics: false, logger: silentLogger });

      await expect(starting).rejects.toThrow(MissingTopicsError);
      await expect(starting).rejects.toThrow(`Kafka topics do not exist: ${topicName(deadLetterTopic, namespace)}.`);
    } finally {
      await database.drop();
    }
  });
});
