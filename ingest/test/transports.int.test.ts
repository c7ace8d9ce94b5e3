import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { murmur2 } from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EVENT_CONTENT_TYPE, EventSchema, PersonRegisteredSchema, RecordLocationsRequestSchema, locationsTopic, personsTopic } from "@udaconnect/schemas";
import {
  OCCURRED_AT,
  SERVER_NOW,
  client,
  expectedLocationRecorded,
  startHarness,
  streamingTransports,
  transports,
  uniquePersonId,
  type Harness,
} from "./harness";

const LOCATION_HEADERS = { "content-type": EVENT_CONTENT_TYPE, "event-type": "udaconnect.v1.LocationRecorded" };

/** The partition Kafka's Java client would pick for the key (its murmur2 is held to Kafka's vectors in partitions.test.ts), which the gateway must match. */
function javaPartition(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
}

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(inject("kafkaBrokers"));
});

afterAll(async () => {
  await harness?.stop();
});

describe.each(Object.entries(transports))("over %s", (_name, transport) => {
  it("RegisterPerson appends exactly one PersonRegistered keyed by the person id", async () => {
    const personId = uniquePersonId();

    const reply = await client(transport(harness.server.url)).registerPerson({
      personId,
      firstName: " Ada ",
      lastName: "Lovelace",
      companyName: "Analytical Engines",
    });

    expect(reply.personId).toBe(personId);
    expect(await harness.reader.records(personsTopic, personId)).toEqual([
      {
        partition: javaPartition(personId, personsTopic.partitions),
        offset: expect.any(String),
        key: personId,
        headers: { "content-type": EVENT_CONTENT_TYPE, "event-type": "udaconnect.v1.PersonRegistered" },
        event: create(EventSchema, {
          eventId: reply.eventId,
          type: "udaconnect.v1.PersonRegistered",
          recordedAt: timestampFromDate(SERVER_NOW),
          payload: {
            case: "personRegistered",
            value: create(PersonRegisteredSchema, { personId, firstName: "Ada", lastName: "Lovelace", companyName: "Analytical Engines" }),
          },
        }),
      },
    ]);
  });

  it("RecordLocation appends exactly one LocationRecorded with the device's event id", async () => {
    const personId = uniquePersonId();
    const eventId = randomUUID().toUpperCase();

    const reply = await client(transport(harness.server.url)).recordLocation({
      checkIn: { eventId, personId, latitude: 37.553441, longitude: -122.290524, occurredAt: timestampFromDate(OCCURRED_AT) },
    });

    expect(reply.eventId).toBe(eventId.toLowerCase());
    expect(await harness.reader.records(locationsTopic, personId)).toEqual([
      {
        partition: javaPartition(personId, locationsTopic.partitions),
        offset: expect.any(String),
        key: personId,
        headers: LOCATION_HEADERS,
        event: expectedLocationRecorded({ eventId: reply.eventId, personId, latitude: 37.553441, longitude: -122.290524 }),
      },
    ]);
  });
});

describe.each(Object.entries(streamingTransports))("RecordLocations over %s", (_name, transport) => {
  it("appends a stream of several messages in order and answers once with a summary", async () => {
    const ada = uniquePersonId();
    const bob = uniquePersonId();
    const sent = [
      [
        { personId: ada, latitude: 1 },
        { personId: bob, latitude: 2 },
      ],
      [{ personId: ada, latitude: 3 }],
      [
        { personId: bob, latitude: 4 },
        { personId: ada, latitude: 5 },
      ],
    ];
    async function* stream() {
      for (const checkIns of sent) {
        yield create(RecordLocationsRequestSchema, {
          checkIns: checkIns.map((c) => ({ ...c, longitude: -c.latitude, occurredAt: timestampFromDate(OCCURRED_AT) })),
        });
      }
    }

    const reply = await client(transport(harness.server.url)).recordLocations(stream());

    expect(reply.acceptedCount).toBe(5);
    expect(reply.eventIds).toHaveLength(5);
    const [first, second, third, fourth, fifth] = reply.eventIds as [string, string, string, string, string];
    const expected = (personId: string, eventId: string, latitude: number) => ({
      partition: javaPartition(personId, locationsTopic.partitions),
      offset: expect.any(String),
      key: personId,
      headers: LOCATION_HEADERS,
      event: expectedLocationRecorded({ eventId, personId, latitude, longitude: -latitude }),
    });
    expect(await harness.reader.records(locationsTopic, ada)).toEqual([expected(ada, first, 1), expected(ada, third, 3), expected(ada, fifth, 5)]);
    expect(await harness.reader.records(locationsTopic, bob)).toEqual([expected(bob, second, 2), expected(bob, fourth, 4)]);
  });
});
