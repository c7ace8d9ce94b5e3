import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { EVENT_CONTENT_TYPE, RecordLocationRequestSchema, RegisterPersonRequestSchema, decodeEvent } from "@udaconnect/schemas";
import { decideRecordLocation } from "../src/ingest/record-locations";
import { decideRegisterPerson } from "../src/ingest/register-person";
import type { OutgoingEvent } from "../src/ingest/ports";
import { toTopicMessages } from "../src/kafka/topic-messages";
import { checkIn, fixedClock, sequentialIds } from "./fakes";

function eventsOf(decision: { outcome: string; events?: readonly OutgoingEvent[] }): readonly OutgoingEvent[] {
  return decision.events ?? [];
}

describe("topic messages", () => {
  it("groups events by namespaced topic, keeps their order, keys them by person and labels them", () => {
    const deps = { now: fixedClock, newId: sequentialIds() };
    const location = (personId: string) => eventsOf(decideRecordLocation(create(RecordLocationRequestSchema, { checkIn: checkIn({ personId }) }), deps));
    const person = (personId: string) =>
      eventsOf(decideRegisterPerson(create(RegisterPersonRequestSchema, { personId, firstName: "A", lastName: "B", companyName: "C" }), deps));
    const events = [...location("5"), ...person("7"), ...location("6")];

    const batches = toTopicMessages(events, "test-1");

    expect(
      batches.map(({ topic, messages }) => ({
        topic,
        messages: messages.map((m) => ({
          key: m.key,
          headers: m.headers,
          eventId: decodeEvent(m.value as Buffer).eventId,
        })),
      })),
    ).toEqual([
      {
        topic: "test-1.udaconnect.locations.v1",
        messages: [
          {
            key: "5",
            headers: { "content-type": EVENT_CONTENT_TYPE, "event-type": "udaconnect.v1.LocationRecorded" },
            eventId: "00000000-0000-7000-8000-000000000001",
          },
          {
            key: "6",
            headers: { "content-type": EVENT_CONTENT_TYPE, "event-type": "udaconnect.v1.LocationRecorded" },
            eventId: "00000000-0000-7000-8000-000000000003",
          },
        ],
      },
      {
        topic: "test-1.udaconnect.persons.v1",
        messages: [
          {
            key: "7",
            headers: { "content-type": EVENT_CONTENT_TYPE, "event-type": "udaconnect.v1.PersonRegistered" },
            eventId: "00000000-0000-7000-8000-000000000002",
          },
        ],
      },
    ]);
  });

  it("uses the bare topic names in the empty (production) namespace", () => {
    const events = eventsOf(decideRecordLocation(create(RecordLocationRequestSchema, { checkIn: checkIn() }), { now: fixedClock, newId: sequentialIds() }));

    expect(toTopicMessages(events, "").map((b) => b.topic)).toEqual(["udaconnect.locations.v1"]);
  });
});
