import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  CheckInResultSchema,
  CheckInSchema,
  StreamCheckInsRequestSchema,
  StreamCheckInsResponseSchema,
  preEncodedStreamCheckInsRequest,
  preEncodedStreamCheckInsResponse,
  type CheckIn,
  type CheckInFields,
  type CheckInResult,
} from "../src/index";
import { double, fieldsSet, hex, maybe, pick, random, text, timestamp, type Random } from "./generated";

function generatedCheckIn(next: Random): CheckIn {
  const occurredAt = maybe(next, () => timestamp(next));
  const latitude = maybe(next, () => double(next));
  const longitude = maybe(next, () => double(next));
  const accuracyM = maybe(next, () => double(next));
  return create(CheckInSchema, {
    eventId: text(next),
    personId: text(next),
    ...(latitude === undefined ? {} : { latitude }),
    ...(longitude === undefined ? {} : { longitude }),
    ...(occurredAt === undefined ? {} : { occurredAt }),
    ...(accuracyM === undefined ? {} : { accuracyM }),
  });
}

function generatedResult(next: Random): CheckInResult {
  return create(CheckInResultSchema, { eventId: text(next), status: pick(next, [0, 1, 2, 3, 99, 300, -5]), reason: text(next), detail: text(next) });
}

function batchId(next: Random): bigint {
  return pick(next, [0n, 1n, 127n, 128n, 2n ** 64n - 1n, BigInt(Math.floor(next() * 2 ** 40))]);
}

/** The request's bytes from both encoders, hex, so a difference shows where it is. */
function bothRequests(id: bigint, checkIns: readonly CheckIn[], fields: readonly CheckInFields[] = checkIns): [fast: string, reflective: string] {
  const fast = toBinary(StreamCheckInsRequestSchema, preEncodedStreamCheckInsRequest(id, fields));
  return [hex(fast), hex(toBinary(StreamCheckInsRequestSchema, create(StreamCheckInsRequestSchema, { batchId: id, checkIns: [...checkIns] })))];
}

function bothResponses(id: bigint, results: readonly CheckInResult[], token: string): [fast: string, reflective: string] {
  const fast = toBinary(StreamCheckInsResponseSchema, preEncodedStreamCheckInsResponse(id, results, token));
  return [hex(fast), hex(toBinary(StreamCheckInsResponseSchema, create(StreamCheckInsResponseSchema, { batchId: id, results: [...results], consistencyToken: token })))];
}

describe("a pre-encoded StreamCheckInsRequest", () => {
  it("goes on the wire as the reflective encoding of the same check-ins, for 2,000 generated batches covering every field", () => {
    const next = random(3);
    const requests = Array.from({ length: 2_000 }, () => create(StreamCheckInsRequestSchema, { batchId: batchId(next), checkIns: Array.from({ length: Math.floor(next() * 6) }, () => generatedCheckIn(next)) }));
    requests.forEach((r, i) => {
      const [fast, reflective] = bothRequests(r.batchId, r.checkIns);
      if (fast !== reflective) expect({ i, fast }).toEqual({ i, fast: reflective });
    });

    const checkIns = requests.flatMap((r) => r.checkIns);
    expect(fieldsSet(StreamCheckInsRequestSchema, requests)).toEqual(StreamCheckInsRequestSchema.fields.map((f) => f.localName));
    expect(fieldsSet(CheckInSchema, checkIns)).toEqual(CheckInSchema.fields.map((f) => f.localName));
    expect(fieldsSet(TimestampSchema, checkIns.map((c) => c.occurredAt).filter((t): t is Timestamp => t !== undefined))).toEqual(["seconds", "nanos"]);
  });

  it("leaves out a number that is null (a device's JSON journal stores NaN so), as if absent", () => {
    const occurredAt = create(TimestampSchema, { seconds: 1_764_300_000n, nanos: 5_000_000 });
    const fields = { eventId: "e1", personId: "zoë", latitude: null, longitude: -0, occurredAt, accuracyM: null } as unknown as CheckInFields;
    const [fast, reflective] = bothRequests(9n, [create(CheckInSchema, { eventId: "e1", personId: "zoë", longitude: -0, occurredAt })], [fields]);

    expect(fast).toBe(reflective);
  });

  it.each([0, 1, 500, 2_000])("writes a batch of %i check-ins (past the writer's slab size) as the reflective encoder does", (count) => {
    const next = random(count);
    const checkIns = Array.from({ length: count }, () => generatedCheckIn(next));
    const [fast, reflective] = bothRequests(BigInt(count), checkIns);

    expect(fast).toBe(reflective);
  });
});

describe("a pre-encoded StreamCheckInsResponse", () => {
  it("goes on the wire as the reflective encoding, with and without a consistency token, for 2,000 generated batches covering every field", () => {
    const next = random(4);
    const responses = Array.from({ length: 2_000 }, () =>
      create(StreamCheckInsResponseSchema, {
        batchId: batchId(next),
        results: Array.from({ length: Math.floor(next() * 6) }, () => generatedResult(next)),
        consistencyToken: next() < 0.3 ? "" : text(next),
      }),
    );
    responses.forEach((r, i) => {
      const [fast, reflective] = bothResponses(r.batchId, r.results, r.consistencyToken);
      if (fast !== reflective) expect({ i, fast }).toEqual({ i, fast: reflective });
    });

    expect(fieldsSet(StreamCheckInsResponseSchema, responses)).toEqual(StreamCheckInsResponseSchema.fields.map((f) => f.localName));
    expect(fieldsSet(CheckInResultSchema, responses.flatMap((r) => r.results))).toEqual(CheckInResultSchema.fields.map((f) => f.localName));
  });

  it("writes a batch of 500 results as the reflective encoder does, and decodes to the same message", () => {
    const next = random(500);
    const results = Array.from({ length: 500 }, () => generatedResult(next));
    const [fast, reflective] = bothResponses(500n, results, "t");
    const sample = [{ eventId: "e1", status: 3, reason: "INVALID_LATITUDE", detail: "check_ins[0].latitude: must be between -90 and 90, got 91" }];

    expect(fast).toBe(reflective);
    expect(fromBinary(StreamCheckInsResponseSchema, toBinary(StreamCheckInsResponseSchema, preEncodedStreamCheckInsResponse(7n, sample, "t")))).toEqual(
      create(StreamCheckInsResponseSchema, { batchId: 7n, results: sample, consistencyToken: "t" }),
    );
  });
});
