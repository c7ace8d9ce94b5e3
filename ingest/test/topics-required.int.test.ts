import { describe, expect } from "vitest";
import { locationsTopic, personsTopic, topicName } from "@udaconnect/schemas";
import { eventually, uniqueNamespace } from "@udaconnect/test-support";
import { gatewayTest } from "./fixtures";
import { recordingLogger } from "./recording-logger";

describe("topics at start with INGEST_CREATE_TOPICS=false (Strimzi's KafkaTopics own them)", () => {
  gatewayTest(
    "creates nothing, stays unready saying which topics are missing or too small, and becomes ready once they are right",
    async ({ admin, startGateway }) => {
      const namespace = uniqueNamespace();
      const persons = topicName(personsTopic, namespace);
      const locations = topicName(locationsTopic, namespace);
      const logger = recordingLogger();
      const warnings = () => logger.lines.filter((l) => l.level === "warn").map((l) => l.message);
      const server = await startGateway({ topicNamespace: namespace, createTopics: false, logger, kafka: { reconnectDelayMs: 100 } });
      await admin.createTopics({ topics: [persons], partitions: 1, replicas: 1 });

      const refusal = await eventually(() => warnings().find((w) => w.includes(`${persons} has 1 partitions`)) ?? failNow("no warning yet"));
      expect(refusal).toBe(
        `Kafka not ready yet; retrying (Kafka topics are not ready: ${locations} does not exist (needs 6 partitions); ` +
          `${persons} has 1 partitions, fewer than the 3 it is declared with. INGEST_CREATE_TOPICS=false leaves creating them to the deployment: ` +
          "apply the KafkaTopic resources (infra/k8s) or create the topics, and the gateway becomes ready by itself)",
      );
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      expect((await admin.listTopics()).filter((t) => t.startsWith(namespace))).toEqual([persons]);

      await admin.createPartitions({ topics: [{ name: persons, count: 3 }] });
      await admin.createTopics({ topics: [locations], partitions: 6, replicas: 1 });
      await eventually(() => expect(server.isReady()).toBe(true), { timeoutMs: 20_000 });
    },
  );
});

function failNow(reason: string): never {
  throw new Error(reason);
}
