import { createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventSchema, encodeEvent, sealPersonDetails, sealPosition, type DataKey } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import type { KeyRing } from "../src/projection/open-sealed";
import { planBatch } from "../src/projection/plan-batch";
import { projectRecord } from "../src/projection/project-record";

const EVENT_ID = "0190f5c6-0000-7000-8000-00000000000a";
const AT = timestampFromDate(new Date("2026-12-01T10:00:00Z"));
const key: DataKey = { keyId: "k-ada", key: createSecretKey(randomBytes(32)) };
const ring = (entries: Record<string, KeyObject | "erased">): KeyRing => ({ lookup: (id) => entries[id] });

function sealedCheckIn(eventId = EVENT_ID): Uint8Array {
  const sealedPosition = sealPosition(key, { eventId, personId: "ada" }, { latitude: 51.5, longitude: -0.12, accuracyM: 4 });
  return encodeEvent(
    create(EventSchema, {
      eventId,
      type: "udaconnect.v1.LocationRecorded",
      recordedAt: AT,
      payload: { case: "locationRecorded", value: { eventId, personId: "ada", occurredAt: AT, recordedAt: AT, sealedPosition } },
    }),
  );
}

function sealedRegistration(): Uint8Array {
  const sealedDetails = sealPersonDetails(key, { eventId: EVENT_ID, personId: "ada" }, { firstName: "Ada", lastName: "Lovelace", companyName: "Engines" });
  return encodeEvent(
    create(EventSchema, {
      eventId: EVENT_ID,
      type: "udaconnect.v1.PersonRegistered",
      recordedAt: AT,
      payload: { case: "personRegistered", value: { personId: "ada", sealedDetails } },
    }),
  );
}

describe("projecting sealed events (crypto-shredding)", () => {
  it("opens the position and the names with the person's key", () => {
    expect(projectRecord(sealedCheckIn(), ring({ "k-ada": key.key }))).toMatchObject({
      kind: "location",
      change: { personId: "ada", latitude: 51.5, longitude: -0.12, accuracyMetres: 4 },
    });
    expect(projectRecord(sealedRegistration(), ring({ "k-ada": key.key }))).toMatchObject({
      kind: "person",
      change: { id: "ada", firstName: "Ada", lastName: "Lovelace", companyName: "Engines" },
    });
  });

  it("says erased, with nothing personal, when the key was destroyed", () => {
    expect(projectRecord(sealedCheckIn(), ring({ "k-ada": "erased" }))).toEqual({ kind: "erased", personId: "ada" });
    expect(projectRecord(sealedRegistration(), ring({ "k-ada": "erased" }))).toEqual({ kind: "erased", personId: "ada" });
  });

  it("asks for a key not loaded yet, and skips a ciphertext that does not open", () => {
    expect(projectRecord(sealedCheckIn(), ring({}))).toEqual({ kind: "key-needed", keyId: "k-ada" });
    expect(projectRecord(sealedCheckIn(), ring({ "k-ada": createSecretKey(randomBytes(32)) }))).toMatchObject({
      kind: "skipped",
      reason: expect.stringContaining("does not open"),
    });
  });

  it("plans a batch: erased records counted and written nowhere, missing keys listed", () => {
    const records = [
      { offset: 0n, value: sealedRegistration() },
      { offset: 1n, value: sealedCheckIn("0190f5c6-0000-7000-8000-00000000000b") },
    ];
    expect(planBatch(records, 0n, undefined, ring({}))).toMatchObject({ missingKeys: ["k-ada"], persons: [], locations: [] });
    expect(planBatch(records, 0n, undefined, ring({ "k-ada": "erased" }))).toMatchObject({
      erased: 2,
      persons: [],
      locations: [],
      skipped: [],
      missingKeys: [],
    });
    expect(planBatch(records, 0n, undefined, ring({ "k-ada": key.key }))).toMatchObject({
      erased: 0,
      persons: [{ id: "ada", firstName: "Ada" }],
      locations: [{ latitude: 51.5 }],
    });
  });
});
