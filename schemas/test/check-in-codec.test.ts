import { create, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { CheckInSchema, StreamCheckInsRequestSchema, checkInCount, preEncodedStreamCheckInsRequest, type CheckIn, type CheckInFields } from "../src/index";
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

function batchId(next: Random): bigint {
  return pick(next, [0n, 1n, 127n, 128n, 2n ** 64n - 1n, BigInt(Math.floor(next() * 2 ** 40))]);
}

/** The request's bytes from both encoders, hex, so a difference shows where it is. */
function bothRequests(id: bigint, checkIns: readonly CheckIn[], fields: readonly CheckInFields[] = checkIns): [fast: string, reflective: string] {
  const fast = toBinary(StreamCheckInsRequestSchema, preEncodedStreamCheckInsRequest(id, fields));
  return [hex(fast), hex(toBinary(StreamCheckInsRequestSchema, create(StreamCheckInsRequestSchema, { batchId: id, checkIns: [...checkIns] })))];
}

describe("a pre-encoded StreamCheckInsRequest", () => {
  it("goes on the wire as the reflective encoding of the same check-ins, for 2,000 generated batches covering every field", () => {
    const next = random(3);
    const requests = Array.from({ length: 2_000 }, () =>
      create(StreamCheckInsRequestSchema, { batchId: batchId(next), checkIns: Array.from({ length: Math.floor(next() * 6) }, () => generatedCheckIn(next)) }),
    );
    requests.forEach((r, i) => {
      const [fast, reflective] = bothRequests(r.batchId, r.checkIns);
      if (fast !== reflective) expect({ i, fast }).toEqual({ i, fast: reflective });
    });

    const checkIns = requests.flatMap((r) => r.checkIns);
    expect(fieldsSet(StreamCheckInsRequestSchema, requests)).toEqual(StreamCheckInsRequestSchema.fields.map((f) => f.localName));
    expect(fieldsSet(CheckInSchema, checkIns)).toEqual(CheckInSchema.fields.map((f) => f.localName));
    expect(
      fieldsSet(
        TimestampSchema,
        checkIns.map((c) => c.occurredAt).filter((t): t is Timestamp => t !== undefined),
      ),
    ).toEqual(["seconds", "nanos"]);
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

describe("what a pre-encoded request looks like before it is sent", () => {
  it("holds no check-ins in checkIns (they are unknown fields), and checkInCount still counts them; decoded, it is the request", () => {
    const next = random(5);
    const checkIns = Array.from({ length: 3 }, () => generatedCheckIn(next));
    const request = preEncodedStreamCheckInsRequest(4n, checkIns);
    const plain = create(StreamCheckInsRequestSchema, { batchId: 4n, checkIns });

    expect({ inMemory: request.checkIns.length, json: toJson(StreamCheckInsRequestSchema, request) }).toEqual({ inMemory: 0, json: { batchId: "4" } });
    expect([checkInCount(request), checkInCount(plain), checkInCount(preEncodedStreamCheckInsRequest(5n, []))]).toEqual([3, 3, 0]);
    expect(fromBinary(StreamCheckInsRequestSchema, toBinary(StreamCheckInsRequestSchema, request))).toEqual(plain);
  });
});
