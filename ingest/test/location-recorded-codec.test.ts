import { create, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { EventSchema, LocationRecordedSchema, SealedSchema, encodeEvent, encodeLocationRecordedEvent, type Event } from "@udaconnect/schemas";
import { locationRecorded } from "../src/ingest/events";
import { random } from "./generated";

const DOUBLES = [0, -0, 1, -1, 90, -90, 180, -180, 37.553441, -122.290524, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON, Infinity, -Infinity, NaN];
const SECONDS = [0n, 1n, -1n, 127n, 128n, 1_700_000_000n, -62_135_596_800n, 253_402_300_799n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
const NANOS = [0, 1, 127, 128, 999_999_999, -1, 2 ** 31 - 1, -(2 ** 31)];
const CHARS = ["a", "Z", "0", "-", "_", " ", "é", "ß", "中", "😀", "\u0000", "\u007f", "\u0080", "\ud800"];

function pick<T>(next: () => number, from: readonly T[]): T {
  return from[Math.floor(next() * from.length)] as T;
}

function text(next: () => number): string {
  const length = pick(next, [0, 1, 8, 36, 64, 127, 128, 300]);
  if (next() < 0.7) return Array.from({ length }, () => pick(next, ["a", "b", "7", "-", "_"])).join("");
  return Array.from({ length }, () => pick(next, CHARS)).join("");
}

function bytes(next: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

function double(next: () => number): number {
  return next() < 0.5 ? pick(next, DOUBLES) : (next() - 0.5) * 400;
}

function timestamp(next: () => number): Timestamp | undefined {
  if (next() < 0.1) return undefined;
  const seconds = next() < 0.5 ? pick(next, SECONDS) : BigInt(Math.floor(next() * 4_000_000_000));
  const nanos = next() < 0.5 ? pick(next, NANOS) : Math.floor(next() * 1_000_000_000);
  return create(TimestampSchema, { seconds, nanos });
}

function generatedEvent(next: () => number): Event {
  const accuracy = next() < 0.3 ? {} : { accuracyM: double(next) };
  const sealed = next() < 0.5 ? {} : { sealedPosition: create(SealedSchema, { keyId: text(next), nonce: bytes(next, 12), ciphertext: bytes(next, pick(next, [0, 16, 34, 43, 200])) }) };
  return create(EventSchema, {
    eventId: text(next),
    type: next() < 0.9 ? LocationRecordedSchema.typeName : text(next),
    ...(next() < 0.1 ? {} : { recordedAt: timestamp(next) }),
    payload: {
      case: "locationRecorded",
      value: create(LocationRecordedSchema, {
        eventId: text(next),
        personId: text(next),
        latitude: double(next),
        longitude: double(next),
        occurredAt: timestamp(next),
        recordedAt: timestamp(next),
        ...accuracy,
        ...sealed,
      }),
    },
  });
}

describe("encodeLocationRecordedEvent", () => {
  it("writes the same bytes as protobuf-es's toBinary for 20,000 generated events, extremes included", () => {
    const next = random(20261128);
    for (let i = 0; i < 20_000; i++) {
      const event = generatedEvent(next);
      const fast = encodeLocationRecordedEvent(event);
      if (fast === undefined) throw new Error(`case ${i} left the fast path`);
      const reflective = toBinary(EventSchema, event);
      if (Buffer.compare(Buffer.from(fast), Buffer.from(reflective)) !== 0) {
        expect({ case: i, bytes: Buffer.from(fast).toString("hex") }).toEqual({ case: i, bytes: Buffer.from(reflective).toString("hex") });
      }
    }
  }, 60_000);

  it("encodes the gateway's own events identically, with and without accuracy", () => {
    const now = create(TimestampSchema, { seconds: 1_764_300_000n, nanos: 123_000_000 });
    const checkIn = { eventId: "0190a000-0000-7000-8000-000000000001", personId: "5", latitude: 37.553441, longitude: -122.290524, occurredAt: now };
    for (const event of [locationRecorded(checkIn, now).event, locationRecorded({ ...checkIn, accuracyM: 0 }, now).event]) {
      expect(Buffer.from(encodeLocationRecordedEvent(event) ?? [])).toEqual(Buffer.from(toBinary(EventSchema, event)));
    }
  });

  it("leaves other payloads and messages carrying unknown fields to toBinary, which encodeEvent then uses", () => {
    const registered = create(EventSchema, { eventId: "e", type: "t", payload: { case: "personRegistered", value: { personId: "p", firstName: "A" } } });
    const unknown = generatedEvent(random(7));
    unknown.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([1]) }];

    expect([encodeLocationRecordedEvent(registered), encodeLocationRecordedEvent(unknown)]).toEqual([undefined, undefined]);
    expect([encodeEvent(registered), encodeEvent(unknown)]).toEqual([toBinary(EventSchema, registered), toBinary(EventSchema, unknown)]);
  });
});
