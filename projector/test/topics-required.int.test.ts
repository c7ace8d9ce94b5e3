import { describe, expect, inject } from "vitest";
import { deadLetterTopic, topicName } from "@udaconnect/schemas";
import { createTopics, uniqueNamespace } from "@udaconnect/test-support";
import { testWithReadModels } from "@udaconnect/test-support/fixtures";
import { silentLogger } from "@udaconnect/observability";
import { MissingTopicsError, startProjector } from "../src/index";
import { projectorOptions } from "./projector-options";

/** A test with `readModels`: a fresh database, dropped after the test whether it passed or not. */
const databaseTest = testWithReadModels();

describe("the dead-letter topic with PROJECTOR_CREATE_TOPICS=false (Strimzi's KafkaTopics own it)", () => {
  databaseTest("is required like the topics the projector reads, not created", async ({ readModels }) => {
    const brokers = inject("kafkaBrokers");
    const namespace = uniqueNamespace();
    await createTopics(brokers, namespace);

    const starting = startProjector(
      projectorOptions({
        kafkaBrokers: brokers,
        databaseUrl: readModels.url,
        topicNamespace: namespace,
        createTopics: false,
        logger: silentLogger,
      }),
    );

    await expect(starting).rejects.toThrow(MissingTopicsError);
    await expect(starting).rejects.toThrow(`Kafka topics do not exist: ${topicName(deadLetterTopic, namespace)}.`);
  });
});
