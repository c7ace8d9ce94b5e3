import type {} from "@udaconnect/test-support/global-setup";
import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { generateVenue, VENUE_START } from "../bench/generate-venue";
import type { ConnectionSummary } from "../src/encounters/connection-summary";
import {
  explainEncounters,
  findEncounters,
  findEncountersJson,
  type EncounterLookup,
  type EncounterStrategy,
} from "../src/encounters/find-encounters";
import { ParallelSlots } from "../src/encounters/parallel-parts";
import { createDatabase } from "../src/postgres/create-database";
import { givenLocation } from "./given";

const PEOPLE = 150;
const DAY = { from: VENUE_START, to: new Date(VENUE_START.getTime() + 86_400_000) };

let t: TestDatabase;
/** The lookups run on a pool configured as the API's (JIT off, as in production). */
let api: Kysely<Database>;

// Read-only after setup: a seeded crowded day (150 people × 80 check-ins at 20 booths,
// microsecond times) plus names and instants that test the JSON text and the millisecond cut.
beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"));
  await generateVenue(t.db, { people: PEOPLE, checkInsPerPerson: 80, booths: 20, days: 1, seed: 0.7, legacy: false }, () => {});
  await sql`UPDATE person SET first_name = ${'Zoë "Q" \\ </script>'}, last_name = ${"tab\there\u0001 ☕ 𝄞"} WHERE id = 'p2'`.execute(t.db);
  const point = { latitude: 35.0585136, longitude: -106.5719566 };
  await givenLocation(t.db, { personId: "p1", ...point, at: "2020-03-09T23:59:59.999Z" });
  await sql`UPDATE location SET occurred_at = '2020-03-09 23:59:59.999999+00' WHERE person_id = 'p1' AND occurred_at = '2020-03-09 23:59:59.999+00'`.execute(t.db);
  await givenLocation(t.db, { personId: "p2", ...point, at: "2020-03-09T23:59:00.000Z" });
  await sql`UPDATE location SET occurred_at = '2020-03-09 23:59:00.0005+00' WHERE person_id = 'p2' AND occurred_at = '2020-03-09 23:59:00+00'`.execute(t.db);
  // INDEX_CLEANUP ON: with so few dead rows VACUUM would skip the indexes and leave the updated pages not all-visible.
  await sql`VACUUM (ANALYZE, INDEX_CLEANUP ON) location`.execute(t.db);
  api = createDatabase(t.url);
});

afterAll(async () => {
  await api?.destroy();
  await t.drop();
});

/** The API's answer as the route built it before PostgreSQL wrote the JSON: the reference. */
function wire(summaries: readonly ConnectionSummary[]) {
  return {
    connections: summaries.map((s) => ({
      person: s.person,
      encounters: s.encounters,
      first_encounter_at: s.firstEncounterAt.toISOString(),
      last_encounter_at: s.lastEncounterAt.toISOString(),
      closest_distance_m: s.closestDistanceMetres,
      closest_location: { ...s.closestLocation, at: s.closestLocation.at.toISOString() },
    })),
  };
}

/**
 * The reference and the served JSON, whose two parts ran one after the other; the same
 * lookup with the parts on two connections must give the very same bytes (one ETag).
 */
async function bothWays(lookup: EncounterLookup, force?: EncounterStrategy) {
  const [rows, json, parallelJson] = await Promise.all([
    findEncounters(api, lookup, force),
    findEncountersJson(api, lookup, { force }),
    findEncountersJson(api, lookup, { force, parallel: new ParallelSlots(1) }),
  ]);
  expect(parallelJson).toBe(json);
  return { reference: wire(rows), served: JSON.parse(json) as unknown, json };
}

describe("the connections answer, merged from two parts of the person's check-ins", () => {
  it.each([
    [5, 600, undefined],
    [5, 600, "gist" as const],
    [2.5, 60, undefined],
    [20, 30, undefined],
    [120, 1800, undefined],
  ])("equals the summaries of findEncounters for every person (%s m, %s s, %s)", async (distanceMetres, withinSeconds, force) => {
    let personsMet = 0;
    for (let n = 1; n <= PEOPLE; n += 11) {
      const { reference, served } = await bothWays({ personId: `p${n}`, ...DAY, distanceMetres, withinSeconds }, force);
      expect(served).toEqual(reference);
      personsMet += reference.connections.length;
    }
    expect(personsMet).toBeGreaterThan(100);
  });

  it("keeps odd names intact and cuts microseconds to milliseconds as a JavaScript Date does", async () => {
    const lookup = { personId: "p1", from: new Date("2020-03-09T23:00:00Z"), to: new Date("2020-03-10T00:00:00Z"), distanceMetres: 5, withinSeconds: 600 };

    const { reference, served, json } = await bothWays(lookup);

    const other = (served as ReturnType<typeof wire>).connections.find((c) => c.person.id === "p2");
    expect(other).toMatchObject({
      person: { id: "p2", first_name: 'Zoë "Q" \\ </script>', last_name: "tab\there\u0001 ☕ 𝄞" },
      first_encounter_at: "2020-03-09T23:59:59.999Z",
      closest_location: { at: "2020-03-09T23:59:00.000Z" },
    });
    expect(served).toEqual(reference);
    expect(json.startsWith('{"connections":[{"person":{"id":')).toBe(true);
  });

  it("answers an empty list as JSON when the person has no check-ins in the range", async () => {
    const json = await findEncountersJson(api, { personId: "p1", from: new Date("2021-01-01T00:00:00Z"), to: new Date("2021-01-02T00:00:00Z"), distanceMetres: 5, withinSeconds: 600 });

    expect(json).toBe('{"connections":[]}');
  });

  it("probes the cells through the covering index alone once the table is vacuumed", async () => {
    const plan = (await explainEncounters(t.db, { personId: "p3", ...DAY, distanceMetres: 5, withinSeconds: 600 })).join("\n");

    expect(plan).toContain("Index Only Scan using location_cell_probe_idx on location");
    expect(plan).toMatch(/Heap Fetches: 0\n/);
    expect(plan).not.toMatch(/Seq Scan on location/);
  });
});
