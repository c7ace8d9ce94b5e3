import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { EventSchema } from "@udaconnect/schemas";
import { projectRecord } from "../src/projection/project-record";
import { encodeEvent, locationRecorded, personErased, personRegistered, personUpdated, type LocationFixture } from "./events";

const EVENT_ID = "0190a5b2-7c1e-7d3a-9f00-5b1e2c3d4e5f";
const RECORDED_AT = new Date("2024-05-01T10:00:00.123Z");

const checkIn: LocationFixture = {
  eventId: EVENT_ID,
  personId: "alice_1",
  latitude: 37.553441,
  longitude: -122.290524,
  occurredAt: new Date("2024-05-01T09:59:58.456Z"),
  recordedAt: RECORDED_AT,
};

function reasonFor(value: Uint8Array | null): string {
  const outcome = projectRecord(value);
  if (outcome.kind !== "skipped") {
    throw new Error(`expected a skipped outcome, got ${outcome.kind}`);
  }
  return outcome.reason;
}

describe("projectRecord", () => {
  it("maps a PersonRegistered to the person row it upserts", () => {
    const value = encodeEvent(
      personRegistered({
        eventId: EVENT_ID,
        personId: "5",
        firstName: "Taco",
        lastName: "Fargo",
        companyName: "Alpha Omega Upholstery",
        recordedAt: RECORDED_AT,
      }),
    );

    expect(projectRecord(value)).toEqual({
      kind: "person",
      change: {
        id: "5",
        firstName: "Taco",
        lastName: "Fargo",
        companyName: "Alpha Omega Upholstery",
        registeredAt: RECORDED_AT,
        lastEventId: EVENT_ID,
      },
    });
  });

  it("maps a LocationRecorded to its location row", () => {
    expect(projectRecord(encodeEvent(locationRecorded(checkIn)))).toEqual({
      kind: "location",
      change: {
        eventId: EVENT_ID,
        personId: "alice_1",
        latitude: 37.553441,
        longitude: -122.290524,
        occurredAt: new Date("2024-05-01T09:59:58.456Z"),
        recordedAt: RECORDED_AT,
        accuracyMetres: null,
      },
    });
  });

  it("keeps the check-in's accuracy_m, 0 included", () => {
    for (const accuracyMetres of [0, 4.25, 1e6]) {
      const outcome = projectRecord(encodeEvent(locationRecorded({ ...checkIn, accuracyMetres })));

      expect(outcome.kind === "location" && outcome.change.accuracyMetres).toBe(accuracyMetres);
    }
  });

  it("accepts the boundaries of the coordinate ranges and lower-cases the event id", () => {
    const event = locationRecorded({ ...checkIn, eventId: EVENT_ID.toUpperCase(), latitude: -90, longitude: 180 });

    const outcome = projectRecord(encodeEvent(event));

    expect(outcome.kind === "location" && outcome.change).toMatchObject({ eventId: EVENT_ID, latitude: -90, longitude: 180 });
  });

  it("takes the envelope's recorded_at when the check-in has none", () => {
    const event = locationRecorded(checkIn);
    if (event.payload.case === "locationRecorded") {
      event.payload.value.recordedAt = undefined;
    }

    const outcome = projectRecord(encodeEvent(event));

    expect(outcome.kind === "location" && outcome.change.recordedAt).toEqual(RECORDED_AT);
  });

  it("maps a PersonUpdated to a patch of the fields it carries, and a PersonErased to an erasure", () => {
    expect(projectRecord(encodeEvent(personUpdated({ eventId: EVENT_ID, personId: "p1", lastName: "", recordedAt: RECORDED_AT })))).toEqual({
      kind: "person-updated",
      patch: { id: "p1", lastName: "", lastEventId: EVENT_ID },
    });
    expect(projectRecord(encodeEvent(personErased({ eventId: EVENT_ID, personId: "p1", recordedAt: RECORDED_AT })))).toEqual({
      kind: "person-erased",
      erasure: { id: "p1", erasedAt: RECORDED_AT, lastEventId: EVENT_ID },
    });
  });

  describe("skips, with its reason, a record that", () => {
    it("has no value", () => {
      expect(reasonFor(null)).toBe("record has no value");
      expect(reasonFor(new Uint8Array())).toBe("record has no value");
    });

    it("is not a protobuf Event", () => {
      // Field 1 (event_id) announces 5 bytes of text and ends after 1.
      expect(reasonFor(Uint8Array.of(0x0a, 0x05, 0x61))).toBe("value is not a udaconnect.v1.Event: premature EOF");
    });

    it("has an event id that is not a UUID", () => {
      const value = encodeEvent(locationRecorded({ ...checkIn, eventId: "42" }));
      expect(reasonFor(value)).toBe('event_id is not a UUID: "42"');
    });

    it("has no payload this projector knows", () => {
      const value = encodeEvent(create(EventSchema, { eventId: EVENT_ID, type: "udaconnect.v1.PersonForgotten" }));
      expect(reasonFor(value)).toBe('unknown payload (type "udaconnect.v1.PersonForgotten")');
    });

    it("names a person id outside [A-Za-z0-9_-]{1,64}", () => {
      expect(reasonFor(encodeEvent(locationRecorded({ ...checkIn, personId: "bob smith" })))).toBe(
        'person_id is not 1–64 characters of [A-Za-z0-9_-]: "bob smith"',
      );
      const person = personRegistered({
        eventId: EVENT_ID,
        personId: "",
        firstName: "A",
        lastName: "B",
        companyName: "C",
        recordedAt: RECORDED_AT,
      });
      expect(reasonFor(encodeEvent(person))).toBe('person_id is not 1–64 characters of [A-Za-z0-9_-]: ""');
    });

    it.each([
      [{ latitude: 90.000001 }, "latitude is not a number from -90 to 90: 90.000001"],
      [{ latitude: Number.NaN }, "latitude is not a number from -90 to 90: NaN"],
      [{ longitude: -180.5 }, "longitude is not a number from -180 to 180: -180.5"],
      [{ longitude: Number.POSITIVE_INFINITY }, "longitude is not a number from -180 to 180: Infinity"],
    ])("has coordinates %o out of range", (coordinates, reason) => {
      expect(reasonFor(encodeEvent(locationRecorded({ ...checkIn, ...coordinates })))).toBe(reason);
    });

    it.each([
      [-1, "accuracy_m is not a finite number >= 0: -1"],
      [Number.NaN, "accuracy_m is not a finite number >= 0: NaN"],
      [Number.POSITIVE_INFINITY, "accuracy_m is not a finite number >= 0: Infinity"],
    ])("has an accuracy_m of %s (the gateway refuses it; the column's CHECK would too)", (accuracyMetres, reason) => {
      expect(reasonFor(encodeEvent(locationRecorded({ ...checkIn, accuracyMetres })))).toBe(reason);
    });

    it("has no occurred_at, or one PostgreSQL cannot store", () => {
      const missing = locationRecorded(checkIn);
      const tooLate = locationRecorded(checkIn);
      if (missing.payload.case === "locationRecorded" && tooLate.payload.case === "locationRecorded") {
        missing.payload.value.occurredAt = undefined;
        tooLate.payload.value.occurredAt = { $typeName: "google.protobuf.Timestamp", seconds: 253_402_300_800n, nanos: 0 };
      }
      expect(reasonFor(encodeEvent(missing))).toBe("occurred_at is missing or out of range");
      expect(reasonFor(encodeEvent(tooLate))).toBe("occurred_at is missing or out of range");
    });

    it("carries a check-in whose event id differs from the envelope's", () => {
      const event = locationRecorded(checkIn);
      if (event.payload.case === "locationRecorded") {
        event.payload.value.eventId = "0190a5b2-0000-7000-8000-000000000000";
      }
      expect(reasonFor(encodeEvent(event))).toBe(`location event_id "0190a5b2-0000-7000-8000-000000000000" differs from the envelope's`);
    });

    it("registers a person without recorded_at or with a NUL in a name", () => {
      const fixture = { eventId: EVENT_ID, personId: "p1", firstName: "A", lastName: "B", companyName: "C", recordedAt: RECORDED_AT };
      const undated = personRegistered(fixture);
      undated.recordedAt = undefined;
      expect(reasonFor(encodeEvent(undated))).toBe("recorded_at is missing or out of range");
      expect(reasonFor(encodeEvent(personRegistered({ ...fixture, lastName: "B\u0000" })))).toBe("last_name contains a NUL character");
    });
  });
});
