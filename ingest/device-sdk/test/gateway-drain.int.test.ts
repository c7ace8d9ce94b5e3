import { afterAll, describe, expect, inject, it } from "vitest";
import { locationsTopic } from "@udaconnect/schemas";
import { silentLogger, startIngestServer, type IngestServer } from "@udaconnect/ingest";
import { createTestDatabase, createTopics, eventually, freePort, testMasterKeysFile, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";
import { TopicReader } from "../../test/topic-reader";
import { createDeviceClient, memoryStorage, type DeviceClient, type QueueStorage } from "../src/index";
import { startGatewayProcess } from "./processes";
import { ingestOptions } from "@udaconnect/ingest/test-options";

let device: DeviceClient | undefined;
let gateway: IngestServer | undefined;
let reader: TopicReader | undefined;
let keyStore: TestDatabase | undefined;

afterAll(async () => {
  await device?.close(0);
  await gateway?.close();
  await reader?.stop();
  await keyStore?.drop();
});

/** Storage that also remembers every acknowledged event id: what the device was told is safe. */
function recordingStorage(acknowledged: string[]): QueueStorage {
  const inner = memoryStorage();
  return {
    ...inner,
    acknowledge: async (ids) => {
      acknowledged.push(...ids);
      return inner.acknowledge(ids);
    },
  };
}

const COUNT = 3_000;

describe("a gateway draining on SIGTERM", () => {
  it("loses no check-in it acknowledged, and the device delivers the rest to the next gateway", async () => {
    const brokers = inject("kafkaBrokers");
    const namespace = uniqueNamespace();
    await createTopics(brokers, namespace);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // The gateway as deployed seals check-ins with keys from a key store (docs/erasure.md).
    keyStore = await createTestDatabase(inject("databaseUrl"));
    const first = startGatewayProcess({
      KAFKA_BROKERS: brokers,
      TOPIC_NAMESPACE: namespace,
      INGEST_PORT: String(port),
      AUTH_DISABLED: "true",
      KEYSTORE_DATABASE_URL: keyStore.url,
      UDACONNECT_MASTER_KEYS_FILE: await testMasterKeysFile(),
    });
    await eventually(async () => expect((await fetch(`${url}/readyz`)).status).toBe(200), { timeoutMs: 30_000 });
    const acknowledged: string[] = [];
    device = await createDeviceClient({
      gatewayUrl: url,
      storage: recordingStorage(acknowledged),
      batchSize: 20,
      backoff: { baseMs: 20, maxMs: 200 },
    });

    const ids = Array.from({ length: COUNT }, (_, i) => device?.checkIn({ personId: `drain-${i % 7}`, latitude: 1, longitude: 2 }));
    await eventually(() => expect(acknowledged.length).toBeGreaterThan(100), { timeoutMs: 30_000, intervalMs: 1 });
    first.process.kill("SIGTERM");
    expect(await first.exited).toEqual([0, null]);
    const acknowledgedByFirst = [...acknowledged];
    const topics = await TopicReader.start(brokers, namespace);
    reader = topics;
    const inTopic = async () => new Set((await topics.records(locationsTopic)).map((r) => r.event.eventId));

    const inTopicNow = await inTopic();
    expect(acknowledgedByFirst.length).toBeLessThan(COUNT);
    expect(acknowledgedByFirst.filter((id) => !inTopicNow.has(id))).toEqual([]);
    gateway = await startIngestServer(ingestOptions({ auth: "disabled", kafkaBrokers: brokers, topicNamespace: namespace, port, logger: silentLogger }));
    expect(await device.flush(30_000)).toBe(true);
    const delivered = await inTopic();
    expect(ids.filter((id) => id === undefined || !delivered.has(id))).toEqual([]);
  });
});
