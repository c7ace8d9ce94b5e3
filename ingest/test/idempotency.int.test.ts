import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject } from "vitest";
import { decodeConsistencyToken, locationsTopic } from "@udaconnect/schemas";
import { startProjector, type Projector } from "@udaconnect/projector";
import { createTestDatabase, eventually, type TestDatabase } from "@udaconnect/test-support";
import { silentLogger } from "../src/index";
import { gatewayTest } from "./fixtures";
import { SERVER_NOW, client, startHarness, transports, uniquePersonId, type Harness } from "./harness";
import { accepted, batch, batches, checkIn, duplicate, plain } from "./streams";
import { projectorOptions } from "@udaconnect/projector/test-options";

let harness: Harness;
let database: TestDatabase;
let projector: Projector;

beforeAll(async () => {
  const brokers = inject("kafkaBrokers");
  harness = await startHarness(brokers);
  database = await createTestDatabase(inject("databaseUrl"));
  projector = await startProjector(
    projectorOptions({ kafkaBrokers: brokers, databaseUrl: database.url, topicNamespace: harness.namespace, logger: silentLogger }),
  );
});

afterAll(async () => {
  await projector?.stop();
  await harness?.stop();
  await database?.drop();
});

async function send(url: string, ...requests: ReturnType<typeof batch>[]) {
  const responses = [];
  for await (const response of client(transports["gRPC (HTTP/2)"](url)).streamCheckIns(batches(...requests))) {
    responses.push(plain(response));
  }
  return responses;
}

/** Waits until the read model has projected everything the token's write reached. */
async function projected(token: string): Promise<void> {
  for (const { topic, partition, nextOffset } of decodeConsistencyToken(token)) {
    await eventually(
      async () => {
        const row = await database.db
          .selectFrom("projection_checkpoint")
          .select("next_offset")
          .where("topic", "=", topic)
          .where("partition", "=", partition)
          .executeTakeFirst();
        expect(BigInt(row?.next_offset ?? 0) >= nextOffset).toBe(true);
      },
      // The projector's first group join can take a while on a loaded machine.
      { timeoutMs: 45_000 },
    );
  }
}

const rowsOf = (personId: string) => database.db.selectFrom("location").select("event_id").where("person_id", "=", personId).orderBy("event_id").execute();

describe("idempotency", () => {
  gatewayTest("answers a retry DUPLICATE, and a retry the gateway no longer remembers is still one row in the read model", async ({ startGateway }) => {
    const personId = uniquePersonId();
    const eventId = randomUUID();

    const first = await send(harness.server.url, batch(1, [checkIn(personId, eventId)]));
    const retry = await send(harness.server.url, batch(2, [checkIn(personId, eventId)]));
    // Another gateway instance (or this one after a restart) has an empty cache: it appends the event again.
    const other = await startGateway({ topicNamespace: harness.namespace, now: () => SERVER_NOW });
    const forgotten = await send(other.url, batch(3, [checkIn(personId, eventId)]));

    expect([first, retry, forgotten].map((r) => r.map((b) => b.results))).toEqual([[[accepted(eventId)]], [[duplicate(eventId)]], [[accepted(eventId)]]]);
    expect((await harness.reader.records(locationsTopic, personId)).map((r) => r.event.eventId)).toEqual([eventId, eventId]);
    await projected(forgotten[0]?.consistencyToken ?? "");
    expect(await rowsOf(personId)).toEqual([{ event_id: eventId }]);
  });
});
