import { create } from "@bufbuild/protobuf";
import { TimestampSchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { EventSchema, LocationRecordedSchema, RecordLocationRequestSchema, locationsTopic } from "@udaconnect/schemas";
import { decideRecordLocation } from "../src/ingest/record-locations";
import { NOW, checkIn, fixedClock, sequentialIds } from "./fakes";

const decide = (fields: Parameters<typeof checkIn>[0]) =>
  decideRecordLocation(create(RecordLocationRequestSchema, { checkIn: checkIn(fields) }), {
    now: fixedClock,
    newId: sequentialIds(),
  });

const refusal = (fields: Parameters<typeof checkIn>[0]) => {
  const decision = decide(fields);
  return decision.outcome === "rejected" ? decision.violations : "accepted";
};

describe("RecordLocation", () => {
  it("turns a check-in into a LocationRecorded event whose envelope carries the device's event id", () => {
    const decision = decide({ eventId: "017F22E2-79B0-7CC3-98C4-DC0C0C07398F", personId: "5" });

    const occurredAt = timestampFromDate(new Date("2024-05-01T11:59:00.000Z"));
    const recordedAt = timestampFromDate(NOW);
    expect(decision).toEqual({
      outcome: "accepted",
      reply: { eventId: "017f22e2-79b0-7cc3-98c4-dc0c0c07398f" },
      events: [
        {
          topic: locationsTopic,
          key: "5",
          event: create(EventSchema, {
            eventId: "017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
            type: "udaconnect.v1.LocationRecorded",
            recordedAt,
            payload: {
              case: "locationRecorded",
              value: create(LocationRecordedSchema, {
                eventId: "017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
                personId: "5",
                latitude: 37.553441,
                longitude: -122.290524,
                occurredAt,
                recordedAt,
              }),
            },
          }),
        },
      ],
    });
  });

  it("assigns an event id when the check-in has none", () => {
    const decision = decide({ eventId: "" });

    expect(decision.outcome === "accepted" && decision.reply).toEqual({ eventId: "00000000-0000-7000-8000-000000000001" });
  });

  it.each([
    [90, -180],
    [-90, 180],
    [0, 0],
  ])("accepts the inclusive bounds latitude %d, longitude %d", (latitude, longitude) => {
    expect(decide({ latitude, longitude }).outcome).toBe("accepted");
  });

  it("refuses a missing check-in", () => {
    const decision = decideRecordLocation(create(RecordLocationRequestSchema, {}), { now: fixedClock, newId: sequentialIds() });

    expect(decision).toEqual({ outcome: "rejected", violations: [{ field: "check_in", description: "required" }] });
  });

  it.each([
    [{ latitude: 91 }, "check_in.latitude", "must be between -90 and 90, got 91"],
    [{ latitude: -90.000001 }, "check_in.latitude", "must be between -90 and 90, got -90.000001"],
    [{ longitude: 180.5 }, "check_in.longitude", "must be between -180 and 180, got 180.5"],
    [{ latitude: Number.NaN }, "check_in.latitude", "must be a finite number, got NaN"],
    [{ longitude: Number.NEGATIVE_INFINITY }, "check_in.longitude", "must be a finite number, got -Infinity"],
    [{ latitude: undefined }, "check_in.latitude", "required"],
    [{ longitude: undefined }, "check_in.longitude", "required"],
    [{ personId: "" }, "check_in.person_id", "required"],
    [{ personId: "a/b" }, "check_in.person_id", 'must be 1-64 characters of [A-Za-z0-9_-], got "a/b"'],
    [{ eventId: "42" }, "check_in.event_id", 'must be a UUID (8-4-4-4-12 hex digits), got "42"'],
    [{ occurredAt: null }, "check_in.occurred_at", "required"],
  ])("refuses %j naming %s", (fields, field, description) => {
    expect(refusal(fields)).toEqual([{ field, description }]);
  });

  it("accepts a device clock up to five minutes ahead of the server's, and no further", () => {
    expect(decide({ occurredAt: new Date("2024-05-01T12:05:00.000Z") }).outcome).toBe("accepted");
    expect(refusal({ occurredAt: new Date("2024-05-01T12:05:00.001Z") })).toEqual([
      {
        field: "check_in.occurred_at",
        description: "must not be more than 5 minutes ahead of the server clock (2024-05-01T12:00:00.000Z), got 2024-05-01T12:05:00.001Z",
      },
    ]);
  });

  it("refuses timestamps that google.protobuf.Timestamp does not allow", () => {
    const request = create(RecordLocationRequestSchema, {
      checkIn: { ...checkIn(), occurredAt: create(TimestampSchema, { seconds: 1_714_560_000n, nanos: 1_000_000_000 }) },
    });
    const tooEarly = create(RecordLocationRequestSchema, {
      checkIn: { ...checkIn(), occurredAt: create(TimestampSchema, { seconds: -62_135_596_801n, nanos: 0 }) },
    });

    const deps = { now: fixedClock, newId: sequentialIds() };
    expect(decideRecordLocation(request, deps)).toEqual({
      outcome: "rejected",
      violations: [{ field: "check_in.occurred_at", description: "nanos must be between 0 and 999999999, got 1000000000" }],
    });
    expect(decideRecordLocation(tooEarly, deps)).toEqual({
      outcome: "rejected",
      violations: [
        {
          field: "check_in.occurred_at",
          description: "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got -62135596801 seconds",
        },
      ],
    });
  });
});
