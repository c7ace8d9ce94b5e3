import type {} from "@udaconnect/test-support/global-setup";
import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { generateVenue, VENUE_START } from "../bench/generate-venue";
import { explainEncounters, findEncounters, findEncountersJson, type EncounterOutcome } from "../src/encounters/find-encounters";
import type { EncounterLookup, EncounterStrategy } from "../src/encounters/encounter-lookup";
import { ParallelSlots } from "../src/encounters/parallel-parts";
import { createDatabase, type ReadModelDatabase } from "../src/postgres/create-database";
import { apiTest } from "./fixtures";
import { givenLocation } from "./given";

const PEOPLE = 150;
const DAY = { from: VENUE_START, to: new Date(VENUE_START.getTime() + 86_400_000) };
/** The day after the venue: a few people by hand, far north and near a pole. */
const NORTH = { from: DAY.to, to: new Date(DAY.to.getTime() + 86_400_000) };

let t: TestDatabase;
/** The lookups run on a pool configured as the API's (JIT off, as in production). */
let api: ReadModelDatabase;

// Read-only after setup: a seeded crowded day (150 people × 80 check-ins at 20 booths,
// microsecond times, accuracies of 0.5–29.5 m and one in five none), names and instants that test the JSON text and the millisecond cut,
// an unregistered person at the booths, and a day at 60° N and 88.5° N.
beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"));
  await generateVenue(t.db, { people: PEOPLE, checkInsPerPerson: 80, booths: 20, days: 1, seed: 0.7, legacy: false }, () => {});
  await sql`UPDATE person SET first_name = ${'Zoë "Q" \\ </script>'}, last_name = ${"tab\there\u0001 ☕ 𝄞"} WHERE id = 'p2'`.execute(t.db);
  await sql`UPDATE person SET first_name = ${'a" : "b'}, last_name = ${'c\\", "d'}, company_name = ${'\\" : \\"'} WHERE id = 'p9'`.execute(t.db);
  const point = { latitude: 35.0585136, longitude: -106.5719566 };
  await givenLocation(t.db, { personId: "p1", ...point, at: "2020-03-09T23:59:59.999Z" });
  await sql`UPDATE location SET occurred_at = '2020-03-09 23:59:59.999999+00' WHERE person_id = 'p1' AND occurred_at = '2020-03-09 23:59:59.999+00'`.execute(
    t.db,
  );
  await givenLocation(t.db, { personId: "p2", ...point, at: "2020-03-09T23:59:00.000Z" });
  await sql`UPDATE location SET occurred_at = '2020-03-09 23:59:00.0005+00' WHERE person_id = 'p2' AND occurred_at = '2020-03-09 23:59:00+00'`.execute(t.db);
  await givenLocation(t.db, { personId: "unregistered", ...point, at: "2020-03-09T23:59:30.000Z" });
  for (const [personId, latitude, dLon, minute] of [
    ["p1", 60.00005, 0, 0],
    ["p3", 60.00005, 0.0003, 1], // ~17 m east at 60° N: three cells of longitude away
    ["p4", 60.00005, -0.0006, 2], // ~33 m west
    ["p5", 60.00005, 0.002, 3], // ~111 m east
    ["p1", 88.5, 0, 720],
    ["p6", 88.5, 0.002, 721], // ~6 m east at 88.5° N, where the grid is not used
  ] as const) {
    const at = new Date(NORTH.from.getTime() + minute * 60_000).toISOString();
    await givenLocation(t.db, { personId, latitude, longitude: 10.00005 + dLon, at });
  }
  // INDEX_CLEANUP ON: with so few dead rows VACUUM would skip the indexes and leave the updated pages not all-visible.
  await sql`VACUUM (ANALYZE, INDEX_CLEANUP ON) location`.execute(t.db);
  api = createDatabase(t.url);
});

afterAll(async () => {
  await api?.destroy();
  await t.drop();
});

interface ReferenceRow {
  id: string;
  first_name: string;
  last_name: string;
  company_name: string;
  encounters: string;
  first_at: Date;
  last_at: Date;
  distance_m: number;
  latitude: number;
  longitude: number;
  closest_at: Date;
}

/**
 * The answer by definition, in plain SQL and none of the lookup's code: every pair of
 * check-ins within the distance (ST_Distance, spheroid) and time (and, with max_accuracy_m,
 * both check-ins known to be at least that accurate), summarised per registered person with
 * window aggregates, as the API's wire format.
 */
async function reference(db: Kysely<Database>, lookup: EncounterLookup) {
  const within = sql`make_interval(secs => ${lookup.withinSeconds})`;
  const { rows } = await sql<ReferenceRow>`
    WITH pair AS (
      SELECT o.person_id, o.event_id, o.coordinate, o.occurred_at, greatest(m.occurred_at, o.occurred_at) AS at,
             ST_Distance(m.coordinate, o.coordinate) AS distance_m
      FROM location m
      JOIN location o ON o.occurred_at BETWEEN m.occurred_at - ${within} AND m.occurred_at + ${within}
        -- Only lets the GiST narrow the join; the distance below decides.
        AND ST_DWithin(m.coordinate, o.coordinate, ${lookup.distanceMetres}::float8 + 1)
      WHERE m.person_id = ${lookup.personId} AND m.occurred_at >= ${lookup.from} AND m.occurred_at < ${lookup.to}
        AND o.person_id <> ${lookup.personId} AND o.occurred_at >= ${lookup.from} AND o.occurred_at < ${lookup.to}
        AND ST_Distance(m.coordinate, o.coordinate) <= ${lookup.distanceMetres}
        ${lookup.maxAccuracyMetres === undefined ? sql`` : sql`AND m.accuracy_m <= ${lookup.maxAccuracyMetres} AND o.accuracy_m <= ${lookup.maxAccuracyMetres}`}
    ),
    met AS (
      SELECT DISTINCT ON (person_id) person_id,
             count(*) OVER whole AS encounters, min(at) OVER whole AS first_at, max(at) OVER whole AS last_at,
             distance_m, occurred_at AS closest_at, coordinate
      FROM pair
      WINDOW whole AS (PARTITION BY person_id ORDER BY distance_m, at, event_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
      ORDER BY person_id, distance_m, at, event_id
    )
    SELECT person.id, person.first_name, person.last_name, person.company_name, met.encounters, met.first_at, met.last_at,
           met.distance_m, met.closest_at, ST_Y(met.coordinate::geometry) AS latitude, ST_X(met.coordinate::geometry) AS longitude
    FROM met JOIN person ON person.id = met.person_id
    ORDER BY met.first_at, person.id COLLATE "C"`.execute(db);
  return {
    connections: rows.map((r) => ({
      person: { id: r.id, first_name: r.first_name, last_name: r.last_name, company_name: r.company_name },
      encounters: Number(r.encounters),
      first_encounter_at: r.first_at.toISOString(),
      last_encounter_at: r.last_at.toISOString(),
      closest_distance_m: r.distance_m,
      closest_location: { latitude: r.latitude, longitude: r.longitude, at: r.closest_at.toISOString() },
    })),
  };
}

function found<T>(outcome: EncounterOutcome<T>): T | undefined {
  expect(outcome.kind).toBe("found");
  return outcome.kind === "found" ? outcome.value : undefined;
}

/** The served answer, after checking that the lookup on two connections gives the very same bytes (one ETag). */
async function served(lookup: EncounterLookup, force?: EncounterStrategy): Promise<unknown> {
  const [whole, halves] = (
    await Promise.all([findEncountersJson(api, lookup, { force }), findEncountersJson(api, lookup, { force, parallel: new ParallelSlots(1) })])
  ).map(found);
  expect(halves?.toString()).toBe(whole?.toString());
  return JSON.parse(whole?.toString() ?? "null") as unknown;
}

describe("whom a person met", () => {
  it.each([
    [5, 600, undefined],
    [5, 600, "gist" as const],
    [2.5, 60, undefined],
    [20, 30, undefined],
    [50, 60, undefined],
    [120, 1800, undefined],
    [120, 1800, "cells" as const],
  ])("is the reference answer for every 11th person (%s m, %s s, strategy %s)", async (distanceMetres, withinSeconds, force) => {
    let personsMet = 0;
    for (let n = 1; n <= PEOPLE; n += 11) {
      const lookup = { personId: `p${n}`, ...DAY, distanceMetres, withinSeconds };
      const expected = await reference(t.db, lookup);

      expect(await served(lookup, force)).toEqual(expected);
      personsMet += expected.connections.length;
    }
    expect(personsMet).toBeGreaterThan(100);
  });

  it.each([
    [5, 600, 10, undefined],
    [5, 600, 3, "gist" as const],
    [20, 30, 15, undefined],
    [120, 1800, 8, "cells" as const],
  ])(
    "is the reference answer with max_accuracy_m, both sides filtered (%s m, %s s, accuracy %s m, strategy %s)",
    async (distanceMetres, withinSeconds, maxAccuracyMetres, force) => {
      let personsMet = 0;
      let fewerEncounters = 0;
      for (let n = 1; n <= PEOPLE; n += 11) {
        const lookup = { personId: `p${n}`, ...DAY, distanceMetres, withinSeconds };
        const expected = await reference(t.db, { ...lookup, maxAccuracyMetres });
        const unfiltered = await reference(t.db, lookup);

        expect(await served({ ...lookup, maxAccuracyMetres }, force)).toEqual(expected);
        personsMet += expected.connections.length;
        const count = (answer: typeof expected) => answer.connections.reduce((sum, c) => sum + c.encounters, 0);
        if (count(expected) < count(unfiltered)) fewerEncounters += 1;
      }
      expect(personsMet).toBeGreaterThan(30);
      expect(fewerEncounters).toBeGreaterThan(5);
    },
  );

  it("runs the statement it ran before when max_accuracy_m is absent: no accuracy predicate, no heap reads", async () => {
    const lookup = { personId: "p3", ...DAY, distanceMetres: 5, withinSeconds: 600 };

    const plain = (await explainEncounters(api, lookup)).join("\n");
    const bounded = (await explainEncounters(api, { ...lookup, maxAccuracyMetres: 10 })).join("\n");

    expect(plain).not.toContain("accuracy_m");
    expect(plain).toContain("Index Only Scan using location_cell_probe_idx on location");
    expect(bounded).toContain("accuracy_m <=");
  });

  it.each([
    [10, ["p6"]],
    [40, ["p3", "p4", "p6"]],
    [120, ["p3", "p4", "p5", "p6"]],
  ])("widens the cells probed in longitude far north, and joins check-ins near a pole through the GiST (%s m)", async (distanceMetres, ids) => {
    const lookup = { personId: "p1", ...NORTH, distanceMetres, withinSeconds: 600 };
    const expected = await reference(t.db, lookup);

    const answer = (await served(lookup)) as typeof expected;

    expect(answer).toEqual(expected);
    expect(answer.connections.map((c) => c.person.id).sort()).toEqual(ids);
  });

  it("keeps odd names intact, cuts microseconds to milliseconds as a JavaScript Date does, and leaves out unregistered people", async () => {
    const lookup = { personId: "p1", from: new Date("2020-03-09T23:00:00Z"), to: new Date("2020-03-10T00:00:00Z"), distanceMetres: 5, withinSeconds: 600 };

    const answer = (await served(lookup)) as Awaited<ReturnType<typeof reference>>;

    expect(answer.connections.find((c) => c.person.id === "p2")).toMatchObject({
      person: { id: "p2", first_name: 'Zoë "Q" \\ </script>', last_name: "tab\there\u0001 ☕ 𝄞" },
      first_encounter_at: "2020-03-09T23:59:59.999Z",
      closest_location: { at: "2020-03-09T23:59:00.000Z" },
    });
    expect(answer.connections.map((c) => c.person.id)).not.toContain("unregistered");
    expect(answer).toEqual(await reference(t.db, lookup));
  });

  it("reads each person's JSON from the read model, whatever the names hold (0005_person_json.sql)", async () => {
    const { rows } = await sql<{ id: string; first_name: string; last_name: string; company_name: string; json: string }>`
      SELECT id, first_name, last_name, company_name, json FROM person WHERE id IN ('p2', 'p9', 'p10') ORDER BY id`.execute(t.db);

    expect(rows).toHaveLength(3);
    for (const { json, ...person } of rows) {
      expect(JSON.parse(json)).toEqual(person);
      expect(json).toBe(JSON.stringify(person));
    }
  });

  it("gives the same summaries as objects", async () => {
    const lookup = { personId: "p7", ...DAY, distanceMetres: 5, withinSeconds: 600 };

    const summaries = found(await findEncounters(api, lookup));

    expect(summaries?.length).toBeGreaterThan(10);
    const wire = (await reference(t.db, lookup)).connections;
    expect(
      summaries?.map((s) => ({
        person: s.person,
        encounters: s.encounters,
        first_encounter_at: s.firstEncounterAt.toISOString(),
        last_encounter_at: s.lastEncounterAt.toISOString(),
        closest_distance_m: s.closestDistanceMetres,
        closest_location: { ...s.closestLocation, at: s.closestLocation.at.toISOString() },
      })),
    ).toEqual(wire);
  });

  it("answers an empty list when the person has no check-ins in the range, and nothing for a person nobody registered", async () => {
    const quiet = { personId: "p1", from: new Date("2021-01-01T00:00:00Z"), to: new Date("2021-01-02T00:00:00Z"), distanceMetres: 5, withinSeconds: 600 };

    expect(found(await findEncountersJson(api, quiet))?.toString()).toBe('{"connections":[]}');
    expect(await findEncountersJson(api, { ...quiet, personId: "unregistered", ...DAY })).toEqual({ kind: "unknown-person" });
    expect(await findEncountersJson(api, { ...quiet, personId: "ghost" })).toEqual({ kind: "unknown-person" });
  });

  it.each([
    ["one statement", undefined],
    ["two halves", new ParallelSlots(1)],
  ])("refuses a lookup that would find more encounters than the cap, counting no further (%s)", async (_, parallel) => {
    // p7 meets only registered people, so the reference counts every pair the lookup finds.
    const lookup = { personId: "p7", ...DAY, distanceMetres: 5, withinSeconds: 600 };
    const pairs = (await reference(t.db, lookup)).connections.reduce((sum, c) => sum + c.encounters, 0);

    expect(await findEncountersJson(api, lookup, { parallel, maxEncounters: pairs - 1 })).toEqual({ kind: "too-many-encounters", limit: pairs - 1 });
    expect((await findEncountersJson(api, lookup, { parallel, maxEncounters: pairs })).kind).toBe("found");
  });

  apiTest("answers 503 problem+json, not 500, when the lookup runs past the database's time limit", async ({ connectDatabase, buildAppWith }) => {
    const app = await buildAppWith({ readModels: connectDatabase(t.url, { statementTimeoutMs: 1 }) });

    const response = await app.inject({ url: `/v1/persons/p1/connections?from=${DAY.from.toISOString()}&to=${DAY.to.toISOString()}` });

    expect(response.statusCode).toBe(503);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toMatchObject({ type: "https://udaconnect.dev/problems/unavailable", status: 503 });
    expect(response.json().detail).toMatch(/did not answer within its time limit; narrow the request/);
  });

  it("probes the cells through the covering index alone once the table is vacuumed", async () => {
    const plan = (await explainEncounters(api, { personId: "p3", ...DAY, distanceMetres: 5, withinSeconds: 600 })).join("\n");

    expect(plan).toContain("Index Only Scan using location_cell_probe_idx on location");
    expect(plan).toMatch(/Heap Fetches: 0\n/);
    expect(plan).not.toMatch(/Seq Scan on location/);
  });
});
