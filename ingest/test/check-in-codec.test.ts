import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  CheckInResultSchema,
  CheckInSchema,
  StreamCheckInsRequestSchema,
  StreamCheckInsResponseSchema,
  preEncodedStreamCheckInsRequest,
  preEncodedStreamCheckInsResponse,
  type CheckIn,
  type CheckInResult,
} from "@udaconnect/schemas";
import { random } from "./generated";

const DOUBLES = [0, -0, 1, -90, 180, 37.553441, Number.MIN_VALUE, Number.MAX_VALUE, Infinity, -Infinity, NaN];
const SECONDS = [0n, 1n, -1n, 128n, 1_764_300_000n, -62_135_596_800n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
const NANOS = [0, 1, 128, 999_999_999, -1, 2 ** 31 - 1, -(2 ** 31)];
const CHARS = ["a", "7", "-", "é", "中", "😀", "\u0000", "\ud800"];

describe("pre-encoded StreamCheckIns messages", () => {
  it("a request goes on the wire exactly as the reflective encoding of the same check-ins, for 2,000 generated batches", () => {
    const next = random(3);
    for (let i = 0; i < 2_000; i++) {
      const batchId = BigInt(Math.floor(next() * 2 ** 40));
      const checkIns = Array.from({ length: Math.floor(next() * 6) }, () => generatedCheckIn(next));
      const fast = toBinary(StreamCheckInsRequestSchema, preEncodedStreamCheckInsRequest(batchId, checkIns));
      const reflective = toBinary(StreamCheckInsRequestSchema, create(StreamCheckInsRequestSchema, { batchId, checkIns }));
      if (Buffer.compare(Buffer.from(fast), Buffer.from(reflective)) !== 0) {
        expect({ i, bytes: Buffer.from(fast).toString("hex") }).toEqual({ i, bytes: Buffer.from(reflective).toString("hex") });
      }
    }
  });

  it("a response likewise, with and without a consistency token, and it decodes to the same message", () => {
    const next = random(4);
    for (let i = 0; i < 2_000; i++) {
      const results = Array.from({ length: Math.floor(next() * 6) }, () => generatedResult(next));
      const token = next() < 0.3 ? "" : pickText(next);
      const fast = toBinary(StreamCheckInsResponseSchema, preEncodedStreamCheckInsResponse(BigInt(i), results, token));
      const plain = create(StreamCheckInsResponseSchema, { batchId: BigInt(i), results, consistencyToken: token });
      const reflective = toBinary(StreamCheckInsResponseSchema, plain);
      if (Buffer.compare(Buffer.from(fast), Buffer.from(reflective)) !== 0) {
        expect({ i, bytes: Buffer.from(fast).toString("hex") }).toEqual({ i, bytes: Buffer.from(reflective).toString("hex") });
      }
    }
    const sample = [{ eventId: "e1", status: 3, reason: "INVALID_LATITUDE", detail: "check_ins[0].latitude: must be between -90 and 90, got 91" }];
    expect(fromBinary(StreamCheckInsResponseSchema, toBinary(StreamCheckInsResponseSchema, preEncodedStreamCheckInsResponse(7n, sample, "t")))).toEqual(
      create(StreamCheckInsResponseSchema, { batchId: 7n, results: sample, consistencyToken: "t" }),
    );
  });
});

function pickText(next: () => number): string {
  const length = [0, 1, 36, 127, 128, 300][Math.floor(next() * 6)] ?? 0;
  const chars = next() < 0.7 ? ["a", "b", "7", "-"] : CHARS;
  return Array.from({ length }, () => chars[Math.floor(next() * chars.length)]).join("");
}

function maybe<T>(next: () => number, value: () => T): T | undefined {
  return next() < 0.25 ? undefined : value();
}

function pick<T>(next: () => number, from: readonly T[]): T {
  return from[Math.floor(next() * from.length)] as T;
}

function double(next: () => number): number {
  return next() < 0.5 ? pick(next, DOUBLES) : (next() - 0.5) * 400;
}

function generatedCheckIn(next: () => number): CheckIn {
  const occurredAt = maybe(next, () => create(TimestampSchema, { seconds: next() < 0.5 ? pick(next, SECONDS) : BigInt(Math.floor(next() * 4e9)), nanos: pick(next, NANOS) }));
  const latitude = maybe(next, () => double(next));
  const longitude = maybe(next, () => double(next));
  const accuracyM = maybe(next, () => double(next));
  return create(CheckInSchema, {
    eventId: pickText(next),
    personId: pickText(next),
    ...(latitude === undefined ? {} : { latitude }),
    ...(longitude === undefined ? {} : { longitude }),
    ...(occurredAt === undefined ? {} : { occurredAt }),
    ...(accuracyM === undefined ? {} : { accuracyM }),
  });
}

function generatedResult(next: () => number): CheckInResult {
  return create(CheckInResultSchema, { eventId: pickText(next), status: pick(next, [0, 1, 2, 3, 99, -5]), reason: pickText(next), detail: pickText(next) });
}
