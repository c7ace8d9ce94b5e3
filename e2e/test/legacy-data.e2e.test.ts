import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { IngestService } from "@udaconnect/schemas";
import { ORIGINAL_DATA_DIR, planDumpDirectory, sendPlan, uuidV5, type LegacyImportPlan } from "@udaconnect/scripts";
import { eventually, uniqueNamespace } from "@udaconnect/test-support";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bearer, getJson, startPipeline, type RunningPipeline } from "@udaconnect/test-pipeline";

const LEGACY_NAMESPACE = "3f1c9a52-6f0e-4b8e-9d6a-2b7f0c4e8a11";

interface Connection {
  person: { id: string; first_name: string; last_name: string; company_name: string };
  location: { id: string; person_id: string; latitude: number; longitude: number; creation_time: string };
}

describe("the original UdaConnect data, loaded through the ingest API", () => {
  let pipeline: RunningPipeline;
  let plan: LegacyImportPlan;
  let analyst: string;

  beforeAll(async () => {
    pipeline = await startPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl"), topicNamespace: uniqueNamespace() });
    plan = (await planDumpDirectory(ORIGINAL_DATA_DIR)).plan;
    analyst = await pipeline.tokenFor({ subject: "e2e-analyst", role: "analyst" });
    const operator = await pipeline.tokenFor({ subject: "e2e-importer", role: "operator" });
    const client = createClient(IngestService, createGrpcTransport({ baseUrl: pipeline.ingestUrl, interceptors: [bearer(operator)] }));
    await sendPlan(client, plan);
    await sendPlan(client, plan); // importing twice adds nothing: event ids derive from the legacy rows
    await eventually(async () => {
      const { count } = await pipeline.database.db
        .selectFrom("location")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .executeTakeFirstOrThrow();
      expect(Number(count)).toBe(39);
    });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it("holds the 5 people with their decimal ids", async () => {
    const persons = await getJson<{ id: string; last_name: string }[]>(`${pipeline.queryApiUrl}/api/persons`, analyst);

    expect(persons.map((p) => [p.id, p.last_name]).sort()).toEqual([
      ["1", "Trexler"],
      ["5", "Fargo"],
      ["6", "Shader"],
      ["8", "Badman"],
      ["9", "Spring"],
    ]);
  });

  it("finds exactly people 5, 6, 8 and 9 near person 1 in 2020 within 5 m, each location once", async () => {
    const connections = await getJson<Connection[]>(
      `${pipeline.queryApiUrl}/api/persons/1/connection?start_date=2020-01-01&end_date=2020-12-30&distance=5`,
      analyst,
    );

    expect([...new Set(connections.map((c) => c.person.id))].sort()).toEqual(["5", "6", "8", "9"]);
    const legacyIds = [30, 31, 34, 57, 65, 66, 67, 68];
    expect(connections.map((c) => c.location.id).sort()).toEqual(legacyIds.map((id) => uuidV5(LEGACY_NAMESPACE, `location:${id}`)).sort());
    for (const { location } of connections) {
      expect(location.latitude).toBeCloseTo(37.5534, 3);
      expect(location.longitude).toBeCloseTo(-122.2907, 3);
    }
  });

  it("stores the Albuquerque points with latitude and longitude the right way round", async () => {
    const rows = await pipeline.database.db
      .selectFrom("location")
      .select([sql<number>`ST_Y(coordinate::geometry)`.as("latitude"), sql<number>`ST_X(coordinate::geometry)`.as("longitude")])
      .where("event_id", "=", uuidV5(LEGACY_NAMESPACE, "location:42"))
      .execute();

    expect(rows).toEqual([{ latitude: 35.0585136, longitude: -106.5719566 }]);
  });
});
