import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RecordLocationsRequestSchema, locationsTopic, personsTopic, type RecordLocationsRequest } from "@udaconnect/schemas";
import { MAX_CHECK_INS_PER_CALL } from "../src/index";
import { OCCURRED_AT, SERVER_NOW, client, startHarness, transports, uniquePersonId, type Harness } from "./harness";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(inject("kafkaBrokers"));
});

afterAll(async () => {
  await harness?.stop();
});

const grpc = () => client(transports["gRPC (HTTP/2)"](harness.server.url));
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SERVER_NOW_PREFIX = SERVER_NOW.getTime().toString(16).padStart(12, "0");

async function endOffsets() {
  return { persons: await harness.reader.endOffsets(personsTopic), locations: await harness.reader.endOffsets(locationsTopic) };
}

async function failure(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConnectError)) {
    throw new Error(`expected a ConnectError, got ${String(error)}`);
  }
  return { code: error.code, message: error.rawMessage };
}

function checkIn(personId: string, latitude: number) {
  return { personId, latitude, longitude: 10, occurredAt: timestampFromDate(OCCURRED_AT) };
}

async function* stream(...messages: ReturnType<typeof checkIn>[][]): AsyncIterable<RecordLocationsRequest> {
  for (const checkIns of messages) {
    yield create(RecordLocationsRequestSchema, { checkIns });
  }
}

describe("refused input appends nothing", () => {
  it("an out-of-range latitude is INVALID_ARGUMENT naming the field", async () => {
    const before = await endOffsets();

    const refused = await failure(grpc().recordLocation({ checkIn: checkIn(uniquePersonId(), 91) }));

    expect(refused).toEqual({ code: Code.InvalidArgument, message: "check_in.latitude: must be between -90 and 90, got 91" });
    expect(await endOffsets()).toEqual(before);
  });

  it("one bad check-in among good ones in a stream refuses the whole stream", async () => {
    const personId = uniquePersonId();
    const before = await endOffsets();

    const refused = await failure(grpc().recordLocations(stream([checkIn(personId, 1), checkIn(personId, 2)], [checkIn(personId, -91), checkIn(personId, 4)])));

    expect(refused).toEqual({ code: Code.InvalidArgument, message: "check_ins[2].latitude: must be between -90 and 90, got -91" });
    expect(await endOffsets()).toEqual(before);
    expect(await harness.reader.records(locationsTopic, personId)).toEqual([]);
  });

  it("a registration without names is INVALID_ARGUMENT listing each", async () => {
    const before = await endOffsets();

    const refused = await failure(grpc().registerPerson({ personId: "5", firstName: "Ada" }));

    expect(refused).toEqual({ code: Code.InvalidArgument, message: "last_name: required; company_name: required" });
    expect(await endOffsets()).toEqual(before);
  });

  it(`a stream of more than ${MAX_CHECK_INS_PER_CALL} check-ins is RESOURCE_EXHAUSTED`, async () => {
    const personId = uniquePersonId();
    const before = await endOffsets();
    const many = Array.from({ length: MAX_CHECK_INS_PER_CALL }, () => checkIn(personId, 1));

    const refused = await failure(grpc().recordLocations(stream(many, [checkIn(personId, 1)])));

    expect(refused).toEqual({
      code: Code.ResourceExhausted,
      message: `a RecordLocations call may carry at most ${MAX_CHECK_INS_PER_CALL} check-ins; split them over several calls`,
    });
    expect(await endOffsets()).toEqual(before);
  });

  it.each(Object.entries(transports))("a message over 1 MiB is RESOURCE_EXHAUSTED and the connection stays usable (%s)", async (_name, transport) => {
    const ingest = client(transport(harness.server.url));
    const before = await endOffsets();

    const refused = await failure(ingest.registerPerson({ personId: "5", firstName: "x".repeat(1024 * 1024), lastName: "L", companyName: "C" }));

    expect(refused.code).toBe(Code.ResourceExhausted);
    expect(refused.message).toMatch(/larger than configured readMaxBytes 1048576$/);
    expect(await endOffsets()).toEqual(before);
    const personId = uniquePersonId();
    await ingest.registerPerson({ personId, firstName: "A", lastName: "B", companyName: "C" });
    expect(await harness.reader.records(personsTopic, personId)).toHaveLength(1);
  });
});

describe("ids the server assigns", () => {
  it("an empty person_id gets a UUIDv7 of the server clock, which keys the record", async () => {
    const reply = await grpc().registerPerson({ firstName: "Ada", lastName: "Lovelace", companyName: "AE" });

    expect(reply.personId).toMatch(UUID_V7);
    expect(reply.personId.replace("-", "").slice(0, 12)).toBe(SERVER_NOW_PREFIX);
    const records = await harness.reader.records(personsTopic, reply.personId);
    expect(records.map((r) => [r.key, r.event.eventId, r.event.payload.value?.personId])).toEqual([[reply.personId, reply.eventId, reply.personId]]);
  });

  it("a check-in without event_id gets a UUIDv7, in the envelope and the payload", async () => {
    const personId = uniquePersonId();

    const reply = await grpc().recordLocation({ checkIn: checkIn(personId, 45) });

    expect(reply.eventId).toMatch(UUID_V7);
    const records = await harness.reader.records(locationsTopic, personId);
    expect(records.map((r) => [r.event.eventId, r.event.payload.value?.$typeName, (r.event.payload.value as { eventId?: string }).eventId])).toEqual([
      [reply.eventId, "udaconnect.v1.LocationRecorded", reply.eventId],
    ]);
  });

  it("the largest allowed stream is appended in full", async () => {
    const personId = uniquePersonId();
    const many = Array.from({ length: MAX_CHECK_INS_PER_CALL }, (_, i) => checkIn(personId, (i % 180) - 89.5));

    const reply = await grpc().recordLocations(stream(many.slice(0, 1000), many.slice(1000)));

    expect(reply.acceptedCount).toBe(MAX_CHECK_INS_PER_CALL);
    const records = await harness.reader.records(locationsTopic, personId);
    expect(records.map((r) => r.event.eventId)).toEqual(reply.eventIds);
  });
});
