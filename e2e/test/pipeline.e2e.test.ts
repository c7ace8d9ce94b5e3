import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { CheckInSchema, IngestService, RecordLocationsRequestSchema } from "@udaconnect/schemas";
import { eventually, uniqueNamespace } from "@udaconnect/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bearer, getJson, startPipeline, type RunningPipeline } from "@udaconnect/test-pipeline";

// A venue near Madrid. One metre of latitude is 1/111,195 degree on PostGIS's
// spheroid to within 0.5 %, far inside the margins chosen below.
const BOOTH = { latitude: 40.4168, longitude: -3.7038 };
const metresNorth = (metres: number) => BOOTH.latitude + metres / 111_195;

interface Connection {
  person: { id: string; first_name: string; last_name: string; company_name: string };
  location: { id: string; person_id: string; latitude: number; longitude: number; creation_time: string };
}

describe("a check-in streamed through gRPC and Connect reaches the connection lookup", () => {
  let pipeline: RunningPipeline;
  let overGrpc: Client<typeof IngestService>;
  let overConnect: Client<typeof IngestService>;

  beforeAll(async () => {
    pipeline = await startPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl"), topicNamespace: uniqueNamespace() });
    const operator = bearer(await pipeline.tokenFor({ subject: "e2e-operator", role: "operator" }));
    overGrpc = createClient(IngestService, createGrpcTransport({ baseUrl: pipeline.ingestUrl, interceptors: [operator] }));
    overConnect = createClient(IngestService, createConnectTransport({ baseUrl: pipeline.ingestUrl, httpVersion: "2", interceptors: [operator] }));
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it("answers exactly the people met, with their check-ins' ids and coordinates", async () => {
    // Given: Ada (over gRPC) and Bob, Cy and Dee (over Connect) are registered.
    await overGrpc.registerPerson({ personId: "ada", firstName: "Ada", lastName: "Lovelace", companyName: "Engines" });
    await overConnect.registerPerson({ personId: "bob", firstName: "Bob", lastName: "Noyce", companyName: "Chips" });
    await overConnect.registerPerson({ personId: "cy", firstName: "Cy", lastName: "Cray", companyName: "Super" });
    const dee = await overConnect.registerPerson({ personId: "", firstName: "Dee", lastName: "Hopper", companyName: "Navy" });
    expect(dee.personId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // When: Ada checks in once over gRPC; the others stream their check-ins over Connect.
    const at = (iso: string) => timestampFromDate(new Date(iso));
    const ada = await overGrpc.recordLocation({
      checkIn: { personId: "ada", latitude: BOOTH.latitude, longitude: BOOTH.longitude, occurredAt: at("2024-05-01T10:00:00Z") },
    });
    const bobNear = { eventId: "11111111-1111-4111-8111-111111111111", personId: "bob", latitude: metresNorth(3), longitude: BOOTH.longitude, occurredAt: at("2024-05-01T10:05:00Z") };
    const cyFar = { eventId: "22222222-2222-4222-8222-222222222222", personId: "cy", latitude: metresNorth(50), longitude: BOOTH.longitude, occurredAt: at("2024-05-01T10:00:00Z") };
    const bobLater = { eventId: "33333333-3333-4333-8333-333333333333", personId: "bob", latitude: BOOTH.latitude, longitude: BOOTH.longitude, occurredAt: at("2024-05-03T09:00:00Z") };
    const deeNear = { eventId: "44444444-4444-4444-8444-444444444444", personId: dee.personId, latitude: metresNorth(-8), longitude: BOOTH.longitude, occurredAt: at("2024-05-01T23:59:59Z") };
    const checkIns = [bobNear, cyFar, bobLater, deeNear];
    async function* stream() {
      yield create(RecordLocationsRequestSchema, { checkIns: checkIns.slice(0, 2).map((c) => create(CheckInSchema, c)) });
      yield create(RecordLocationsRequestSchema, { checkIns: checkIns.slice(2).map((c) => create(CheckInSchema, c)) });
    }
    const summary = await overConnect.recordLocations(stream());
    expect(summary.acceptedCount).toBe(4);
    expect(summary.eventIds).toEqual(checkIns.map((c) => c.eventId));

    // Then: within 10 m on 1 May, Ada met Bob's first check-in and Dee's; not Cy (50 m) nor Bob on 3 May.
    // The stream's consistency token makes the read wait for the stream's check-ins; Ada's own
    // check-in and the people came through other calls, so they are polled for.
    const url = `${pipeline.queryApiUrl}/api/persons/ada/connection?start_date=2024-05-01&end_date=2024-05-01&distance=10&consistent_with=${summary.consistencyToken}`;
    await eventually(async () => {
      const count = (table: "person" | "location") =>
        pipeline.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
      expect([Number((await count("person")).n), Number((await count("location")).n)]).toEqual([4, 5]);
    });
    const adaToken = await pipeline.tokenFor({ subject: "ada", role: "attendee" });
    const connections = await getJson<Connection[]>(url, adaToken);
    const byId = (a: Connection, b: Connection) => a.location.id.localeCompare(b.location.id);
    const expected: Connection[] = [
        {
          person: { id: "bob", first_name: "Bob", last_name: "Noyce", company_name: "Chips" },
          location: { id: bobNear.eventId, person_id: "bob", latitude: metresNorth(3), longitude: BOOTH.longitude, creation_time: expect.stringMatching(/^2024-05-01T10:05:00(\.000)?Z$/) },
        },
        {
          person: { id: dee.personId, first_name: "Dee", last_name: "Hopper", company_name: "Navy" },
          location: { id: deeNear.eventId, person_id: dee.personId, latitude: metresNorth(-8), longitude: BOOTH.longitude, creation_time: expect.stringMatching(/^2024-05-01T23:59:59(\.000)?Z$/) },
        },
    ];
    expect(connections.sort(byId)).toEqual(expected.sort(byId));
    // Bob, seen from his side, met only Ada (Dee was 11 m from him), at the check-in id the gateway assigned.
    const bobsUrl = `${pipeline.queryApiUrl}/api/persons/bob/connection?start_date=2024-05-01&end_date=2024-05-01&distance=10`;
    const bobs = await getJson<Connection[]>(bobsUrl, await pipeline.tokenFor({ subject: "bob", role: "attendee" }));
    expect(bobs.map((c) => [c.person.id, c.location.id])).toEqual([["ada", ada.eventId]]);
    // An attendee reads only their own connections.
    const forbidden = await fetch(bobsUrl, { headers: { authorization: `Bearer ${adaToken}` } });
    expect([forbidden.status, forbidden.headers.get("content-type")]).toEqual([403, expect.stringMatching(/^application\/problem\+json/)]);
  });
});
