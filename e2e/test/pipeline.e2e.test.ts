import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { createDeviceClient, memoryStorage, mergeConsistencyTokens, type DeviceClient } from "@udaconnect/device-sdk";
import { CheckInSchema, IngestService, RecordLocationsRequestSchema } from "@udaconnect/schemas";
import { uniqueNamespace } from "@udaconnect/test-support";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from "vitest";
import { bearer, getJson, startPipeline, type RunningPipeline } from "@udaconnect/test-pipeline";

// A venue near Madrid. One metre of latitude is 1/111,195 degree on PostGIS's
// spheroid to within 0.5 %, far inside the margins chosen below.
const BOOTH = { latitude: 40.4168, longitude: -3.7038 };
const metresNorth = (metres: number) => BOOTH.latitude + metres / 111_195;

interface Connection {
  person: { id: string; first_name: string; last_name: string; company_name: string };
  location: { id: string; person_id: string; latitude: number; longitude: number; creation_time: string };
}

interface Point {
  latitude: number;
  longitude: number;
}

// Every read below passes the tokens of the writes it must see as consistent_with: the query API
// waits until the projection covers them, so no test polls.
describe("check-ins reach the connection lookup: RPCs over gRPC and Connect, and the device SDK", () => {
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

  /** Spheroid metres between two points, as PostGIS measures the encounters. */
  async function metresBetween(a: Point, b: Point): Promise<number> {
    const point = (p: Point) => sql`ST_SetSRID(ST_MakePoint(${p.longitude}, ${p.latitude}), 4326)::geography`;
    const { rows } = await sql<{ metres: number }>`SELECT ST_Distance(${point(a)}, ${point(b)}) AS metres`.execute(pipeline.database.db);
    return rows[0]?.metres ?? Number.NaN;
  }

  /** The device SDK as an attendee's phone runs it: the attendee's own token, a queue of its own. */
  async function phoneOf(personId: string): Promise<DeviceClient> {
    const token = await pipeline.tokenFor({ subject: personId, role: "attendee" });
    const device = await createDeviceClient({ gatewayUrl: pipeline.ingestUrl, token, storage: memoryStorage() });
    onTestFinished(() => device.close(0).then(() => undefined));
    return device;
  }

  it("answers exactly the people met, with their check-ins' ids and coordinates, on /v1 and the legacy route", async () => {
    // Given: Ada (over gRPC) and Bob, Cy and Dee (over Connect) are registered.
    const registered = [
      await overGrpc.registerPerson({ personId: "ada", firstName: "Ada", lastName: "Lovelace", companyName: "Engines" }),
      await overConnect.registerPerson({ personId: "bob", firstName: "Bob", lastName: "Noyce", companyName: "Chips" }),
      await overConnect.registerPerson({ personId: "cy", firstName: "Cy", lastName: "Cray", companyName: "Super" }),
    ];
    const dee = await overConnect.registerPerson({ personId: "", firstName: "Dee", lastName: "Hopper", companyName: "Navy" });
    expect(dee.personId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // When: Ada checks in once over gRPC; the others stream their check-ins over Connect.
    const at = (iso: string) => timestampFromDate(new Date(iso));
    const ada = await overGrpc.recordLocation({
      checkIn: { personId: "ada", latitude: BOOTH.latitude, longitude: BOOTH.longitude, occurredAt: at("2024-05-01T10:00:00Z") },
    });
    const bobNear = {
      eventId: "11111111-1111-4111-8111-111111111111",
      personId: "bob",
      latitude: metresNorth(3),
      longitude: BOOTH.longitude,
      occurredAt: at("2024-05-01T10:05:00Z"),
    };
    const cyFar = {
      eventId: "22222222-2222-4222-8222-222222222222",
      personId: "cy",
      latitude: metresNorth(50),
      longitude: BOOTH.longitude,
      occurredAt: at("2024-05-01T10:00:00Z"),
    };
    const bobLater = {
      eventId: "33333333-3333-4333-8333-333333333333",
      personId: "bob",
      latitude: BOOTH.latitude,
      longitude: BOOTH.longitude,
      occurredAt: at("2024-05-03T09:00:00Z"),
    };
    const deeNear = {
      eventId: "44444444-4444-4444-8444-444444444444",
      personId: dee.personId,
      latitude: metresNorth(-8),
      longitude: BOOTH.longitude,
      occurredAt: at("2024-05-01T23:59:59Z"),
    };
    const checkIns = [bobNear, cyFar, bobLater, deeNear];
    async function* stream() {
      yield create(RecordLocationsRequestSchema, { checkIns: checkIns.slice(0, 2).map((c) => create(CheckInSchema, c)) });
      yield create(RecordLocationsRequestSchema, { checkIns: checkIns.slice(2).map((c) => create(CheckInSchema, c)) });
    }
    const summary = await overConnect.recordLocations(stream());
    expect(summary.acceptedCount).toBe(4);
    expect(summary.eventIds).toEqual(checkIns.map((c) => c.eventId));

    // Then: within 10 m on 1 May (within a day of each other), Ada met Bob's first check-in and
    // Dee's; not Cy (50 m) nor Bob on 3 May. The read waits for every write above: the people,
    // Ada's check-in and the stream, their tokens merged into one.
    const written = mergeConsistencyTokens([...registered, dee, ada, summary].map((reply) => reply.consistencyToken));
    const adaToken = await pipeline.tokenFor({ subject: "ada", role: "attendee" });
    const v1 = await getJson<{ connections: unknown[] }>(
      `${pipeline.queryApiUrl}/v1/persons/ada/connections?from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&distance_m=10&within_s=86400&consistent_with=${written}`,
      adaToken,
    );
    const adaAt = { latitude: BOOTH.latitude, longitude: BOOTH.longitude };
    expect(v1.connections).toEqual([
      {
        person: { id: "bob", first_name: "Bob", last_name: "Noyce", company_name: "Chips" },
        encounters: 1,
        first_encounter_at: "2024-05-01T10:05:00.000Z",
        last_encounter_at: "2024-05-01T10:05:00.000Z",
        closest_distance_m: await metresBetween(adaAt, bobNear),
        closest_location: { latitude: metresNorth(3), longitude: BOOTH.longitude, at: "2024-05-01T10:05:00.000Z" },
      },
      {
        person: { id: dee.personId, first_name: "Dee", last_name: "Hopper", company_name: "Navy" },
        encounters: 1,
        first_encounter_at: "2024-05-01T23:59:59.000Z",
        last_encounter_at: "2024-05-01T23:59:59.000Z",
        closest_distance_m: await metresBetween(adaAt, deeNear),
        closest_location: { latitude: metresNorth(-8), longitude: BOOTH.longitude, at: "2024-05-01T23:59:59.000Z" },
      },
    ]);

    // The legacy route reads the same read models, which the /v1 read has shown to hold every write.
    const url = `${pipeline.queryApiUrl}/api/persons/ada/connection?start_date=2024-05-01&end_date=2024-05-01&distance=10&consistent_with=${written}`;
    const connections = await getJson<Connection[]>(url, adaToken);
    const byId = (a: Connection, b: Connection) => a.location.id.localeCompare(b.location.id);
    const expected: Connection[] = [
      {
        person: { id: "bob", first_name: "Bob", last_name: "Noyce", company_name: "Chips" },
        location: {
          id: bobNear.eventId,
          person_id: "bob",
          latitude: metresNorth(3),
          longitude: BOOTH.longitude,
          creation_time: expect.stringMatching(/^2024-05-01T10:05:00(\.000)?Z$/),
        },
      },
      {
        person: { id: dee.personId, first_name: "Dee", last_name: "Hopper", company_name: "Navy" },
        location: {
          id: deeNear.eventId,
          person_id: dee.personId,
          latitude: metresNorth(-8),
          longitude: BOOTH.longitude,
          creation_time: expect.stringMatching(/^2024-05-01T23:59:59(\.000)?Z$/),
        },
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

  it("takes two attendees' phones (device SDK) through ingest, Kafka and the projector to /v1 connections, read with the SDK's tokens", async () => {
    // Given: Eve and Finn are registered, and each runs the device SDK with their own attendee token.
    const registered = [
      await overGrpc.registerPerson({ personId: "eve", firstName: "Eve", lastName: "Moreno", companyName: "Radio" }),
      await overGrpc.registerPerson({ personId: "finn", firstName: "Finn", lastName: "Okafor", companyName: "Maps" }),
    ];
    const [evesPhone, finnsPhone] = [await phoneOf("eve"), await phoneOf("finn")];

    // When: in the last hour they pass the same booth twice, a few minutes apart; Finn's second fix is
    // a poor one (30 m). Recent times: the gateway takes devices' check-ins of the last 30 days only.
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    const on = (minute: number) => new Date(start + minute * 60_000);
    const iso = (minute: number) => on(minute).toISOString();
    const booth = { latitude: BOOTH.latitude, longitude: BOOTH.longitude };
    const finnNear = { latitude: metresNorth(2), longitude: BOOTH.longitude };
    const finnVague = { latitude: metresNorth(3), longitude: BOOTH.longitude };
    evesPhone.checkIn({ personId: "eve", ...booth, occurredAt: on(0), accuracyM: 4 });
    evesPhone.checkIn({ personId: "eve", ...booth, occurredAt: on(20), accuracyM: 3 });
    finnsPhone.checkIn({ personId: "finn", latitude: metresNorth(40), longitude: BOOTH.longitude, occurredAt: on(1), accuracyM: 5 });
    finnsPhone.checkIn({ personId: "finn", ...finnNear, occurredAt: on(3), accuracyM: 5 });
    finnsPhone.checkIn({ personId: "finn", ...finnVague, occurredAt: on(24), accuracyM: 30 });
    expect([await evesPhone.flush(10_000), await finnsPhone.flush(10_000)]).toEqual([true, true]);
    expect([evesPhone.stats().accepted, finnsPhone.stats().accepted]).toEqual([2, 3]);

    // Then: within 5 m and 10 minutes Eve met Finn twice (minutes 0/3 and 20/24); the 40 m
    // fix is too far. One read, made consistent with both phones' tokens and the registrations.
    const written = mergeConsistencyTokens([evesPhone.consistencyToken(), finnsPhone.consistencyToken(), ...registered.map((r) => r.consistencyToken)]);
    const evesToken = await pipeline.tokenFor({ subject: "eve", role: "attendee" });
    const connectionsUrl = `${pipeline.queryApiUrl}/v1/persons/eve/connections?from=${iso(-60)}&to=${iso(60)}&distance_m=5&within_s=600`;
    const finn = { id: "finn", first_name: "Finn", last_name: "Okafor", company_name: "Maps" };
    const closest = { closest_distance_m: await metresBetween(booth, finnNear), closest_location: { ...finnNear, at: iso(3) } };
    expect(await getJson(`${connectionsUrl}&consistent_with=${written}`, evesToken)).toEqual({
      connections: [{ person: finn, encounters: 2, first_encounter_at: iso(3), last_encounter_at: iso(24), ...closest }],
    });
    // Only fixes within 10 m of accuracy on both sides: the 30 m one no longer counts.
    expect(await getJson(`${connectionsUrl}&max_accuracy_m=10`, evesToken)).toEqual({
      connections: [{ person: finn, encounters: 1, first_encounter_at: iso(3), last_encounter_at: iso(3), ...closest }],
    });
    // Each check-in keeps the accuracy its phone reported.
    const finnsLocations = await getJson<{ locations: { accuracy_m: number | null; at: string }[] }>(
      `${pipeline.queryApiUrl}/v1/persons/finn/locations?from=${iso(-60)}&to=${iso(60)}&consistent_with=${finnsPhone.consistencyToken()}`,
      await pipeline.tokenFor({ subject: "finn", role: "attendee" }),
    );
    expect(finnsLocations.locations.map((l) => [l.at, l.accuracy_m])).toEqual([
      [iso(1), 5],
      [iso(3), 5],
      [iso(24), 30],
    ]);
  });
});
