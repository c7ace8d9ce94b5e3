import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { decodeConsistencyToken, decodeEvent, encodeConsistencyToken, encodeEvent, EventSchema, isPersonId, locationsTopic, topicName } from "../src/index";

describe("event codec", () => {
  it("round-trips a LocationRecorded envelope", () => {
    const event = create(EventSchema, {
      eventId: "0190f5c6-0000-7000-8000-000000000001",
      type: "udaconnect.v1.LocationRecorded",
      recordedAt: timestampFromDate(new Date("2020-07-07T10:37:07Z")),
      payload: {
        case: "locationRecorded",
        value: {
          eventId: "0190f5c6-0000-7000-8000-000000000001",
          personId: "5",
          latitude: 37.553441,
          longitude: -122.290524,
          occurredAt: timestampFromDate(new Date("2020-07-07T10:37:06Z")),
        },
      },
    });

    const decoded = decodeEvent(encodeEvent(event));

    expect(decoded.payload.case).toBe("locationRecorded");
    expect(decoded.payload.value).toMatchObject({ personId: "5", latitude: 37.553441, longitude: -122.290524 });
  });

  it("rejects bytes that are not an Event", () => {
    expect(() => decodeEvent(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});

describe("topics and ids", () => {
  it("prefixes topic names with a namespace", () => {
    expect(topicName(locationsTopic, "")).toBe("udaconnect.locations.v1");
    expect(topicName(locationsTopic, "test-1")).toBe("test-1.udaconnect.locations.v1");
  });

  it.each([
    ["1", true],
    ["a_B-9", true],
    ["x".repeat(64), true],
    ["", false],
    ["x".repeat(65), false],
    ["a b", false],
    ["é", false],
  ])("isPersonId(%j) is %s", (id, expected) => {
    expect(isPersonId(id)).toBe(expected);
  });
});

describe("consistency tokens", () => {
  it("round-trip the highest position of each partition", () => {
    const token = encodeConsistencyToken([
      { topic: "udaconnect.locations.v1", partition: 2, nextOffset: 41n },
      { topic: "udaconnect.locations.v1", partition: 2, nextOffset: 43n },
      { topic: "udaconnect.persons.v1", partition: 0, nextOffset: 7n },
    ]);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeConsistencyToken(token)).toEqual([
      { topic: "udaconnect.locations.v1", partition: 2, nextOffset: 43n },
      { topic: "udaconnect.persons.v1", partition: 0, nextOffset: 7n },
    ]);
  });

  it.each(["", "not a token!", "////", "x".repeat(5000), Buffer.from([0xff, 0xff]).toString("base64url")])("rejects %j", (token) => {
    expect(() => decodeConsistencyToken(token)).toThrow(/consistency token/);
  });
});
