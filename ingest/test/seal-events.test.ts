import { createSecretKey, randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { EventSchema, PersonUpdatedSchema, decodeEvent, encodeEvent, openPersonDetails, openPosition, personsTopic, type DataKey } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { locationRecorded, personErased, personRegistered } from "../src/ingest/events";
import type { OutgoingEvent } from "../src/ingest/ports";
import { sealEvents, sealingAppend } from "../src/ingest/seal-events";

const key: DataKey = { keyId: "k-1", key: createSecretKey(randomBytes(32)) };
const keys = new Map([["ada", key]]);
const now = { $typeName: "google.protobuf.Timestamp" as const, seconds: 1_764_300_000n, nanos: 0 };
const EVENT_ID = "0190a000-0000-7000-8000-000000000001";

describe("sealing events before the log", () => {
  it("seals a check-in's position: the record carries no coordinates, the key opens them", () => {
    const [sealed] = sealEvents(
      [locationRecorded({ eventId: EVENT_ID, personId: "ada", latitude: 51.5, longitude: -0.12, occurredAt: now, accuracyM: 3 }, now)],
      keys,
    );
    const bytes = Buffer.from(encodeEvent((sealed as OutgoingEvent).event));
    const decoded = decodeEvent(bytes);
    if (decoded.payload.case !== "locationRecorded") throw new Error("not a check-in");
    expect(decoded).toMatchObject({ eventId: EVENT_ID, type: "udaconnect.v1.LocationRecorded", recordedAt: { seconds: now.seconds, nanos: 0 } });
    expect(decoded.payload.value).toMatchObject({
      eventId: EVENT_ID,
      latitude: 0,
      longitude: 0,
      personId: "ada",
      occurredAt: { seconds: now.seconds, nanos: 0 },
      recordedAt: { seconds: now.seconds, nanos: 0 },
    });
    expect(decoded.payload.value.accuracyM).toBeUndefined();
    expect(bytes.includes(double(51.5))).toBe(false);
    expect(openPosition(decoded.payload.value.sealedPosition!, key.key, { eventId: EVENT_ID, personId: "ada" })).toMatchObject({
      latitude: 51.5,
      longitude: -0.12,
      accuracyM: 3,
    });
  });

  it("seals a registration's and an update's names, keeping an update's absent fields absent", () => {
    const update = create(EventSchema, {
      eventId: EVENT_ID,
      type: PersonUpdatedSchema.typeName,
      payload: { case: "personUpdated", value: { personId: "ada", lastName: "Byron" } },
    });
    const [registered, updated] = sealEvents(
      [
        personRegistered({ eventId: EVENT_ID, personId: "ada", firstName: "Ada", lastName: "Lovelace", companyName: "Engines" }, now),
        { topic: personsTopic, key: "ada", event: update },
      ],
      keys,
    );
    const r = decodeEvent(encodeEvent(registered!.event));
    const u = decodeEvent(encodeEvent(updated!.event));
    if (r.payload.case !== "personRegistered" || u.payload.case !== "personUpdated") throw new Error("unexpected payloads");
    expect(r.payload.value).toMatchObject({ firstName: "", lastName: "", companyName: "" });
    expect(u.payload.value.lastName).toBeUndefined();
    expect(openPersonDetails(u.payload.value.sealedDetails!, key.key, { eventId: EVENT_ID, personId: "ada" })).toMatchObject({ lastName: "Byron" });
    expect(openPersonDetails(u.payload.value.sealedDetails!, key.key, { eventId: EVENT_ID, personId: "ada" })?.firstName).toBeUndefined();
  });

  it("asks keys only for events with personal fields, and appends nothing when the key store fails", async () => {
    const appended: OutgoingEvent[][] = [];
    const append = async (events: readonly OutgoingEvent[]) => {
      appended.push([...events]);
      return [];
    };
    const asked: string[][] = [];
    await sealingAppend(append, async (ids) => {
      asked.push([...ids]);
      return keys;
    })([personErased({ eventId: EVENT_ID, personId: "ada" }, now)]);
    expect(asked).toEqual([]);
    const failing = sealingAppend(append, async () => {
      throw new Error("key store down");
    });
    await expect(failing([locationRecorded({ eventId: EVENT_ID, personId: "ada", latitude: 1, longitude: 2, occurredAt: now }, now)])).rejects.toThrow(
      "key store down",
    );
    expect(appended).toHaveLength(1);
  });
});

function double(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return b;
}
