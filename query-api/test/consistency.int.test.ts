import type {} from "@udaconnect/test-support/global-setup";
import type { FastifyInstance } from "fastify";
import { Producer, ProduceAcks } from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encodeConsistencyToken, locationsTopic, topicName } from "@udaconnect/schemas";
import { createTestDatabase, createTopics, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";
import { createDatabase } from "../src/postgres/create-database";
import { buildApp } from "../src/app";
import { createEndOffsetsReader, type EndOffsetsReader } from "../src/kafka/end-offsets";
import { givenLocation, givenPersons } from "./given";
import { appDependencies } from "./query-api-options";

const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };

let t: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
  await givenPersons(t.db, [PAM]);
  app = await buildApp(appDependencies({ readModels: t, auth: "disabled", consistencyWaitMs: 300 }));
});

afterAll(async () => {
  await app.close();
  await t.drop();
});

async function givenCheckpoint(topic: string, partition: number, nextOffset: number) {
  await t.db
    .insertInto("projection_checkpoint")
    .values({ topic, partition, next_offset: nextOffset })
    .onConflict((oc) => oc.columns(["topic", "partition"]).doUpdateSet({ next_offset: nextOffset }))
    .execute();
}

describe("consistent_with", () => {
  it("answers at once when the projection already covers the token", async () => {
    await givenCheckpoint("covered.locations", 0, 10);
    const token = encodeConsistencyToken([{ topic: "covered.locations", partition: 0, nextOffset: 10n }]);

    const response = await app.inject({ url: `/v1/persons/1?consistent_with=${token}` });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(PAM);
  });

  it("waits until the projector catches up, then answers", async () => {
    await givenCheckpoint("later.locations", 2, 4);
    const token = encodeConsistencyToken([{ topic: "later.locations", partition: 2, nextOffset: 5n }]);

    const pending = app.inject({ url: `/v1/persons/1?consistent_with=${token}` });
    await givenCheckpoint("later.locations", 2, 5);

    expect((await pending).statusCode).toBe(200);
  });

  it("answers 503 problem+json with Retry-After when the bound passes first", async () => {
    const token = encodeConsistencyToken([{ topic: "never.locations", partition: 0, nextOffset: 1n }]);

    const response = await app.inject({ url: `/v1/persons/1/connections?from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&consistent_with=${token}` });

    expect(response.statusCode).toBe(503);
    expect(response.headers["retry-after"]).toBe("1");
    expect(response.json()).toMatchObject({
      type: "https://udaconnect.dev/problems/not-yet-consistent",
      status: 503,
      detail: "the projection has not reached consistent_with within 300 ms; retry later",
    });
  });

  it("answers 400 for a token ingest never issued", async () => {
    // base64url, so it passes the parameter's pattern, but its bytes are no ConsistencyToken message.
    const response = await app.inject({ url: `/v1/persons?consistent_with=${Buffer.from("not-a-token").toString("base64url")}` });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      type: "https://udaconnect.dev/problems/invalid-parameter",
      detail: "consistent_with: consistency token is not a token returned by the ingest API",
    });
  });

  it("answers 400 naming the pattern for a token that is not base64url", async () => {
    const response = await app.inject({ url: "/v1/persons?consistent_with=not-a-token!" });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      type: "https://udaconnect.dev/problems/invalid-parameter",
      detail: 'query parameter consistent_with must match pattern "^[A-Za-z0-9_-]+$" (got "not-a-token!")',
    });
  });
});

describe("GET /v1/projection/status and /readyz against a real Kafka", () => {
  let reader: EndOffsetsReader;
  let withKafka: FastifyInstance;
  let topic: string;

  beforeAll(async () => {
    const brokers = inject("kafkaBrokers");
    const namespace = uniqueNamespace();
    await createTopics(brokers, namespace);
    topic = topicName(locationsTopic, namespace);
    const producer = new Producer({ clientId: "query-api-test", bootstrapBrokers: brokers.split(","), acks: ProduceAcks.ALL });
    try {
      await producer.send({ messages: [0, 1, 2].map((i) => ({ topic, partition: 0, value: Buffer.from(`r${i}`) })) });
    } finally {
      await producer.close();
    }
    reader = createEndOffsetsReader(brokers.split(","));
    withKafka = await buildApp(appDependencies({ readModels: t, auth: "disabled", kafka: { endOffsets: reader, topics: [topic] }, readyMaxLag: 2 }));
  });

  afterAll(async () => {
    await withKafka.close();
    await reader.close();
  });

  it("reports each partition's projected offset against the end of the log, and the newest check-in time", async () => {
    await givenCheckpoint(topic, 0, 1);
    await givenLocation(t.db, { personId: "1", latitude: 35, longitude: -106, at: "2020-03-12T08:00:00.000Z" });

    const response = await withKafka.inject({ url: "/v1/projection/status" });

    const partitions = response.json().partitions.filter((p: { topic: string }) => p.topic === topic);
    expect(partitions[0]).toEqual({ topic, partition: 0, projected_offset: 1, end_offset: 3, lag: 2 });
    expect(partitions.slice(1).every((p: { projected_offset: number; end_offset: number }) => p.projected_offset === 0 && p.end_offset === 0)).toBe(true);
    expect(response.json()).toMatchObject({ end_offsets_known: true, newest_check_in_at: "2020-03-12T08:00:00.000Z" });
  });

  it("is not ready while the projection lags more than the bound", async () => {
    await givenCheckpoint(topic, 0, 0);
    const behind = await withKafka.inject({ url: "/readyz" });
    await givenCheckpoint(topic, 0, 2);
    const caughtUp = await withKafka.inject({ url: "/readyz" });

    expect(behind.statusCode).toBe(503);
    expect(behind.json().detail).toBe("The projection is 3 records behind the log (bound 2).");
    expect(caughtUp.statusCode).toBe(200);
  });

  it("reports end offsets as unknown, and stays ready, while Kafka does not answer", async () => {
    const unreachable = createEndOffsetsReader(["127.0.0.1:1"]);
    const withoutBroker = await buildApp(
      appDependencies({ readModels: t, auth: "disabled", kafka: { endOffsets: unreachable, topics: [topic] }, readyMaxLag: 2 }),
    );
    try {
      await givenCheckpoint(topic, 0, 0);
      const status = await withoutBroker.inject({ url: "/v1/projection/status" });
      const ready = await withoutBroker.inject({ url: "/readyz" });

      expect(status.json().end_offsets_known).toBe(false);
      expect(ready.statusCode).toBe(200);
    } finally {
      await withoutBroker.close();
      await unreachable.close();
    }
  });

  it("reports end offsets as unknown without Kafka", async () => {
    const response = await app.inject({ url: "/v1/projection/status" });

    expect(response.json().end_offsets_known).toBe(false);
    expect(response.json().partitions).toContainEqual({ topic: "covered.locations", partition: 0, projected_offset: 10, end_offset: null, lag: null });
  });
});
