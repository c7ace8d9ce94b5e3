import { createSecretKey, randomBytes } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { EventSchema, encodeLocationRecordedEvent, type DataKey } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { locationRecorded } from "../src/ingest/events";
import type { OutgoingEvent } from "../src/ingest/ports";
import { sealEvents } from "../src/ingest/seal-events";

const key: DataKey = { keyId: "k-1", key: createSecretKey(randomBytes(32)) };

/** The hand-written encoder's own proofs are in schemas/test; this one is about the events the gateway builds (message literals, then sealed). */
describe("the gateway's check-in events", () => {
  it("take the hand-written encoder, plain and sealed, with and without accuracy, and it writes toBinary's bytes", () => {
    const now = create(TimestampSchema, { seconds: 1_764_300_000n, nanos: 123_000_000 });
    const checkIn = { eventId: "0190a000-0000-7000-8000-000000000001", personId: "5", latitude: 37.553441, longitude: -122.290524, occurredAt: now };
    const plain = [locationRecorded(checkIn, now), locationRecorded({ ...checkIn, accuracyM: 0 }, now), locationRecorded({ ...checkIn, accuracyM: 8.5 }, now)];
    const sealed = sealEvents(plain, new Map([["5", key]]));

    for (const { event } of [...plain, ...sealed] satisfies OutgoingEvent[]) {
      const fast = encodeLocationRecordedEvent(event);
      expect(fast).toBeDefined();
      expect(Buffer.from(fast ?? [])).toEqual(Buffer.from(toBinary(EventSchema, event)));
    }
  });
});
