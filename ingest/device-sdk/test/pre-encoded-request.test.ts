import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { StreamCheckInsRequestSchema, preEncodedStreamCheckInsRequest } from "@udaconnect/schemas";
import type { QueuedCheckIn } from "../src/storage";
import { checkInFields, toCheckIn } from "../src/stream-session";

const TIMES = [0, 1, 999, 1_000, -1, -1_001, 1_764_300_000_123, 253_402_300_799_999, -62_135_596_800_000];
const DEGREES = [0, -0, 90, -180, 37.553441, Infinity, NaN];

describe("a pre-encoded batch of queued check-ins", () => {
  it("is byte for byte the batch the reflective encoder sends, for 3,000 generated batches", () => {
    let seed = 1;
    const next = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const pick = <T>(from: readonly T[]): T => from[Math.floor(next() * from.length)] as T;
    for (let i = 0; i < 3_000; i++) {
      const items: QueuedCheckIn[] = Array.from({ length: Math.floor(next() * 5) }, (_, n) => {
        const accuracy = next() < 0.4 ? {} : { accuracyM: next() < 0.3 ? pick(DEGREES) : next() * 50 };
        // A journal written before may hold null for a non-finite number (JSON): both encoders must leave it out.
        const latitude = next() < 0.1 ? (null as unknown as number) : next() < 0.5 ? pick(DEGREES) : (next() - 0.5) * 180;
        return {
          eventId: `0190a000-0000-7000-8000-${String(n).padStart(12, "0")}`,
          personId: next() < 0.9 ? `person-${i}` : "zoë",
          latitude,
          longitude: next() < 0.5 ? pick(DEGREES) : (next() - 0.5) * 360,
          occurredAtMs: next() < 0.5 ? pick(TIMES) : Math.floor(next() * 2e12),
          ...accuracy,
        };
      });
      const fast = toBinary(StreamCheckInsRequestSchema, preEncodedStreamCheckInsRequest(BigInt(i), items.map(checkInFields)));
      const reflective = toBinary(StreamCheckInsRequestSchema, create(StreamCheckInsRequestSchema, { batchId: BigInt(i), checkIns: items.map(toCheckIn) }));
      if (Buffer.compare(Buffer.from(fast), Buffer.from(reflective)) !== 0) {
        expect({ i, bytes: Buffer.from(fast).toString("hex") }).toEqual({ i, bytes: Buffer.from(reflective).toString("hex") });
      }
    }
  });
});
