import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { locationsTopic, personsTopic } from "@udaconnect/schemas";
import { OCCURRED_AT, startHarness, uniquePersonId, type Harness } from "./harness";
import { OPERATOR, testKeys, type TestKeys } from "./tokens";

// A client that is not connect-es: grpc-js loading the .proto files at run time, as any gRPC stack would.
const PROTO_DIR = fileURLToPath(new URL("../../schemas/proto", import.meta.url));

type Callback = (error: grpc.ServiceError | null, reply: Record<string, unknown>) => void;
interface IngestStub extends grpc.Client {
  registerPerson(request: object, metadata: grpc.Metadata, callback: Callback): void;
  recordLocation(request: object, metadata: grpc.Metadata, callback: Callback): void;
  streamCheckIns(metadata: grpc.Metadata): grpc.ClientDuplexStream<object, Record<string, unknown>>;
}

let harness: Harness;
let keys: TestKeys;
let stub: IngestStub;
let metadata: grpc.Metadata;

beforeAll(async () => {
  keys = await testKeys();
  harness = await startHarness(inject("kafkaBrokers"), { auth: keys.verify });
  const definition = protoLoader.loadSync("udaconnect/v1/ingest.proto", {
    includeDirs: [PROTO_DIR],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    udaconnect: { v1: { IngestService: new (address: string, credentials: grpc.ChannelCredentials) => IngestStub } };
  };
  stub = new loaded.udaconnect.v1.IngestService(harness.server.url.replace("http://", ""), grpc.credentials.createInsecure());
  metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${await keys.token(OPERATOR)}`);
});

afterAll(async () => {
  stub?.close();
  await harness?.stop();
});

const unary = (call: (cb: Callback) => void) =>
  new Promise<Record<string, unknown>>((resolve, reject) => call((error, reply) => (error ? reject(error) : resolve(reply))));

const occurredAt = { seconds: String(Math.floor(OCCURRED_AT.getTime() / 1000)), nanos: 250_000_000 };

describe("a grpc-js client (h2c)", () => {
  it("registers a person and records a location", async () => {
    const personId = uniquePersonId();
    const eventId = randomUUID();

    const registered = await unary((cb) =>
      stub.registerPerson({ person_id: personId, first_name: "Grace", last_name: "Hopper", company_name: "Navy" }, metadata, cb),
    );
    const recorded = await unary((cb) =>
      stub.recordLocation({ check_in: { event_id: eventId, person_id: personId, latitude: 1.5, longitude: 2.5, occurred_at: occurredAt } }, metadata, cb),
    );

    expect(registered).toEqual(expect.objectContaining({ person_id: personId }));
    expect(recorded).toEqual(expect.objectContaining({ event_id: eventId }));
    expect((await harness.reader.records(personsTopic, personId)).map((r) => r.event.eventId)).toEqual([registered.event_id]);
    expect((await harness.reader.records(locationsTopic, personId)).map((r) => r.event.eventId)).toEqual([eventId]);
  });

  it("streams check-ins and gets a result per check-in", async () => {
    const personId = uniquePersonId();
    const [good, bad] = [randomUUID(), randomUUID()];
    const call = stub.streamCheckIns(metadata);
    const replies: Record<string, unknown>[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      call.on("data", (reply: Record<string, unknown>) => replies.push(reply));
      call.on("end", resolve);
      call.on("error", reject);
    });

    call.write({
      batch_id: "9",
      check_ins: [
        { event_id: good, person_id: personId, latitude: 1, longitude: 2, occurred_at: occurredAt },
        { event_id: bad, person_id: personId, latitude: 1, longitude: 200, occurred_at: occurredAt },
      ],
    });
    call.end();
    await ended;

    expect(replies.map((r) => ({ batch: r.batch_id, results: r.results }))).toEqual([
      {
        batch: "9",
        results: [
          { event_id: good, status: "STATUS_ACCEPTED", reason: "", detail: "" },
          { event_id: bad, status: "STATUS_REJECTED", reason: "INVALID_LONGITUDE", detail: "check_ins[1].longitude: must be between -180 and 180, got 200" },
        ],
      },
    ]);
    expect((await harness.reader.records(locationsTopic, personId)).map((r) => r.event.eventId)).toEqual([good]);
  });
});
