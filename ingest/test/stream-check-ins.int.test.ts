import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { locationsTopic } from "@udaconnect/schemas";
import { SERVER_NOW, client, expectedLocationRecorded, startHarness, streamingTransports, transports, uniquePersonId, type Harness } from "./harness";
import { Pushable, accepted, batch, batches, checkIn, duplicate, plain, rejected, tokenOf } from "./streams";

let harness: Harness;

beforeAll(async () => {
  // Two producers: the consistency tokens below must still name the exact offsets of every partition.
  harness = await startHarness(inject("kafkaBrokers"), { maxCheckInAgeMs: 86_400_000, kafkaProducers: 2 });
});

afterAll(async () => {
  await harness?.stop();
});

const grpc = () => client(transports["gRPC (HTTP/2)"](harness.server.url));

describe("StreamCheckIns", () => {
  // Over every streaming protocol: binary replies are pre-encoded by hand, JSON ones are not.
  it.each(Object.keys(streamingTransports) as (keyof typeof streamingTransports)[])(
    "accepts the good check-ins of a mixed batch and rejects each bad one alone, naming the field (%s)",
    async (protocol) => {
      const personId = uniquePersonId();
      const ids = Array.from({ length: 6 }, () => randomUUID());
      const [good1, badLatitude, badAccuracy, future, tooOld, good2] = ids as [string, string, string, string, string, string];

      const responses = [];
      for await (const response of client(streamingTransports[protocol](harness.server.url)).streamCheckIns(
        batches(
          batch(7, [
            checkIn(personId, good1),
            checkIn(personId, badLatitude, { latitude: 91 }),
            checkIn(personId, badAccuracy, { accuracyM: -1 }),
            checkIn(personId, future, { occurredAt: new Date(SERVER_NOW.getTime() + 6 * 60_000) }),
            checkIn(personId, tooOld, { occurredAt: new Date("2024-04-29T12:00:00Z") }),
            checkIn(personId, good2, { accuracyM: 12.5 }),
          ]),
        ),
      )) {
        responses.push(plain(response));
      }

      const records = await harness.reader.records(locationsTopic, personId);
      expect(records.map((r) => r.event)).toEqual([
        expectedLocationRecorded({ eventId: good1, personId, latitude: 10, longitude: 20 }),
        expectedLocationRecorded({ eventId: good2, personId, latitude: 10, longitude: 20, accuracyM: 12.5 }),
      ]);
      expect(responses).toEqual([
        {
          batchId: 7,
          results: [
            accepted(good1),
            rejected(badLatitude, "INVALID_LATITUDE", "check_ins[1].latitude: must be between -90 and 90, got 91"),
            rejected(badAccuracy, "INVALID_ACCURACY_M", "check_ins[2].accuracy_m: must be a finite number >= 0, got -1"),
            rejected(
              future,
              "INVALID_OCCURRED_AT",
              "check_ins[3].occurred_at: must not be more than 5 minutes ahead of the server clock (2024-05-01T12:00:00.000Z), got 2024-05-01T12:06:00.000Z",
            ),
            rejected(
              tooOld,
              "INVALID_OCCURRED_AT",
              "check_ins[4].occurred_at: must not be older than the retention limit (2024-04-30T12:00:00.000Z), got 2024-04-29T12:00:00.000Z",
            ),
            accepted(good2),
          ],
          consistencyToken: tokenOf(locationsTopic, harness.namespace, records),
        },
      ]);
    },
  );

  it("answers a retried event id DUPLICATE and appends it once", async () => {
    const personId = uniquePersonId();
    const [first, second] = [randomUUID(), randomUUID()];

    const responses = [];
    for await (const response of grpc().streamCheckIns(
      batches(batch(1, [checkIn(personId, first)]), batch(2, [checkIn(personId, first), checkIn(personId, second), checkIn(personId, second)])),
    )) {
      responses.push(plain(response));
    }

    const records = await harness.reader.records(locationsTopic, personId);
    expect(records.map((r) => r.event.eventId)).toEqual([first, second]);
    expect(responses.map((r) => ({ batchId: r.batchId, results: r.results }))).toEqual([
      { batchId: 1, results: [accepted(first)] },
      { batchId: 2, results: [duplicate(first), accepted(second), duplicate(second)] },
    ]);
    expect(responses.map((r) => r.consistencyToken)).toEqual([
      tokenOf(locationsTopic, harness.namespace, records.slice(0, 1)),
      tokenOf(locationsTopic, harness.namespace, records.slice(1, 2)),
    ]);
  });

  it("answers the batches before an over-long one, then ends the stream with RESOURCE_EXHAUSTED", async () => {
    const personId = uniquePersonId();
    const eventId = randomUUID();
    const requests = new Pushable<ReturnType<typeof batch>>();
    requests.push(batch(1, [checkIn(personId, eventId)]));
    requests.push(
      batch(
        2,
        Array.from({ length: 501 }, () => checkIn(personId, randomUUID())),
      ),
    );

    const responses: number[] = [];
    const ended = await (async () => {
      for await (const response of grpc().streamCheckIns(requests)) {
        responses.push(Number(response.batchId));
      }
    })().then(
      () => undefined,
      (error: unknown) => ConnectError.from(error),
    );

    expect(responses).toEqual([1]);
    expect({ code: ended?.code, message: ended?.rawMessage }).toEqual({
      code: Code.ResourceExhausted,
      message: "a StreamCheckIns batch may carry at most 500 check-ins; split it (batches before it were answered)",
    });
    expect((await harness.reader.records(locationsTopic, personId)).map((r) => r.event.eventId)).toEqual([eventId]);
  });
});
