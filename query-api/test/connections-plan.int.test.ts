import type {} from "@udaconnect/test-support/global-setup";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { connectionsQuery, findConnections, type ConnectionLookup } from "../src/legacy-connections/find-connections";

const LOCATIONS = 20_000;
const LEGACY_FRONTEND: ConnectionLookup = {
  personId: "subject",
  start: new Date("2020-01-01T00:00:00Z"),
  endExclusive: new Date("2020-12-31T00:00:00Z"),
  distanceMetres: 5,
};

let t: TestDatabase;

// Read-only after this setup, so the tests of this file share one generated database.
beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"));
  // 20,000 check-ins of 100 persons scattered deterministically over ~1 km² and 2020;
  // every 1,000th belongs to "subject", who is not registered (only others need to be).
  await sql`
    INSERT INTO location (event_id, person_id, coordinate, occurred_at, recorded_at)
    SELECT gen_random_uuid(),
           CASE WHEN i % 1000 = 0 THEN 'subject' ELSE 'p' || (i % 100) END,
           ST_SetSRID(ST_MakePoint(-106.58 + ((i * 7919) % 10007) / 10007.0 * 0.01,
                                   35.05 + ((i * 104729) % 10009) / 10009.0 * 0.01), 4326)::geography,
           at, at
    FROM generate_series(1::bigint, ${LOCATIONS}::bigint) AS i,
         LATERAL (SELECT timestamptz '2020-01-01T00:00:00Z' + ((i * 15485863) % 527040) * interval '1 minute' AS at) AS t`.execute(t.db);
  await sql`
    INSERT INTO person (id, first_name, last_name, company_name, registered_at, last_event_id)
    SELECT 'p' || n, 'First' || n, 'Last' || n, 'Company ' || n, now(), gen_random_uuid()
    FROM generate_series(0, 99) AS n`.execute(t.db);
  await sql`ANALYZE`.execute(t.db);
});

afterAll(async () => {
  await t.drop();
});

describe("the connection lookup on 20,000 check-ins", () => {
  it("starts from the person's own check-ins and probes the space-time GiST index around each", async () => {
    const plan = (await connectionsQuery(t.db, LEGACY_FRONTEND).explain()).map((row) => String(row["QUERY PLAN"])).join("\n");

    expect(plan).toContain("Index Scan using location_coordinate_occurred_at_idx on location other");
    expect(plan).toMatch(/Index Cond: \(\(coordinate && _st_expand\(mine\.coordinate, '5'::double precision\)\) AND \(occurred_at >= /);
    expect(plan).not.toMatch(/Seq Scan on location/);
  });

  it("finds exactly what a join of every pair would, each check-in once", async () => {
    const lookup = { ...LEGACY_FRONTEND, distanceMetres: 50 };
    const { rows: everyPair } = await sql<{ event_id: string }>`
      SELECT DISTINCT other.event_id, other.occurred_at
      FROM location mine
      JOIN location other ON ST_Distance(other.coordinate, mine.coordinate) <= ${lookup.distanceMetres}
      JOIN person ON person.id = other.person_id
      WHERE mine.person_id = 'subject' AND other.person_id <> 'subject'
        AND mine.occurred_at >= ${lookup.start} AND mine.occurred_at < ${lookup.endExclusive}
        AND other.occurred_at >= ${lookup.start} AND other.occurred_at < ${lookup.endExclusive}
      ORDER BY other.occurred_at, other.event_id`.execute(t.db);

    const connections = await findConnections(t.db, lookup);

    expect(connections.map((c) => c.location.id)).toEqual(everyPair.map((row) => row.event_id));
    expect(connections).toHaveLength(3018);
  });
});
