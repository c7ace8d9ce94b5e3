import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { describe, expect } from "vitest";
import type { Database } from "@udaconnect/migrations";
import { findConnections } from "../src/legacy-connections/find-connections";
import { apiTest } from "./fixtures";
import { givenLocation, givenPersons, metresBetween } from "./given";

const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };
const TACO = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" };
const FRANK = { id: "6", first_name: "Frank", last_name: "Shader", company_name: "USDA" };
const PAUL = { id: "8", first_name: "Paul", last_name: "Badman", company_name: "Paul Badman & Associates" };
const OTTO = { id: "9", first_name: "Otto", last_name: "Spring", company_name: "The Chicken Sisters Restaurant" };

// Albuquerque; EAST_3M is ~3 m east of HERE, MIDWAY between them, NORTH_4_5M ~4.5 m north of HERE.
const HERE = { latitude: 35.0585136, longitude: -106.5719566 };
const EAST_3M = { latitude: 35.0585136, longitude: -106.5719237 };
const MIDWAY = { latitude: 35.0585136, longitude: -106.5719402 };
const NORTH_4_5M = { latitude: 35.0585542, longitude: -106.5719566 };
const NORTH_4_5M_AND_1CM = { latitude: 35.0585543, longitude: -106.5719566 };
const KM_NORTH = { latitude: 35.0675136, longitude: -106.5719566 };
const SAN_MATEO = { latitude: 37.553441, longitude: -122.290524 };

/** Pam's March 2020, and everyone's check-ins around it. Answers the ids of those she met. */
async function givenPamsMarch(db: Kysely<Database>) {
  await givenPersons(db, [PAM, TACO, FRANK, PAUL, OTTO]);
  const at = (personId: string, where: typeof HERE, time: string) => givenLocation(db, { personId, ...where, at: time });
  await at("1", HERE, "2020-03-10T10:00:00.000Z");
  await at("1", EAST_3M, "2020-03-10T11:00:00.000Z");
  await at("1", HERE, "2020-03-15T12:00:00.000Z");
  await at("1", SAN_MATEO, "2020-02-01T00:00:00.000Z"); // her own, before the window: not an anchor
  const midway = await at("5", MIDWAY, "2020-03-12T09:00:00.000Z"); // near both of her first two check-ins
  const boundary = await at("6", NORTH_4_5M, "2020-03-13T08:30:00.000Z");
  await at("6", NORTH_4_5M_AND_1CM, "2020-03-13T08:31:00.000Z");
  await at("8", HERE, "2020-02-29T23:59:59.999Z");
  const windowStart = await at("8", HERE, "2020-03-01T00:00:00.000Z");
  const windowLastMs = await at("8", HERE, "2020-03-31T23:59:59.999Z");
  await at("8", HERE, "2020-04-01T00:00:00.000Z");
  await at("9", SAN_MATEO, "2020-03-20T00:00:00.000Z"); // near her February check-in only
  await at("9", KM_NORTH, "2020-03-10T10:00:00.000Z");
  await at("ghost", HERE, "2020-03-11T00:00:00.000Z"); // never registered: nobody to show
  const distance = await metresBetween(db, HERE, NORTH_4_5M);
  return { midway, boundary, windowStart, windowLastMs, distance };
}

const location = (id: string, personId: string, where: typeof HERE, creationTime: string) => ({
  id,
  person_id: personId,
  latitude: where.latitude,
  longitude: where.longitude,
  creation_time: creationTime,
});

describe("GET /api/persons/{person_id}/connection", () => {
  apiTest(
    "returns each nearby check-in of others in the window once, boundary included, lat/lon the right way round",
    async ({ readModels: t, startServer }) => {
      const given = await givenPamsMarch(t.db);
      const api = await startServer();

      const response = await fetch(`${api.url}/api/persons/1/connection?start_date=2020-03-01&end_date=2020-03-31&distance=${given.distance}`);

      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await response.json()).toEqual([
        { person: PAUL, location: location(given.windowStart, "8", HERE, "2020-03-01T00:00:00.000Z") },
        { person: TACO, location: location(given.midway, "5", MIDWAY, "2020-03-12T09:00:00.000Z") },
        { person: FRANK, location: location(given.boundary, "6", NORTH_4_5M, "2020-03-13T08:30:00.000Z") },
        { person: PAUL, location: location(given.windowLastMs, "8", HERE, "2020-03-31T23:59:59.999Z") },
      ]);
    },
  );

  apiTest("answers with one SQL statement however many check-ins the person has", async ({ readModels: t }) => {
    const given = await givenPamsMarch(t.db);
    const statements: string[] = [];
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.url, max: 1 }) }),
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    try {
      const connections = await findConnections(db, {
        personId: "1",
        start: new Date("2020-03-01T00:00:00Z"),
        endExclusive: new Date("2020-04-01T00:00:00Z"),
        distanceMetres: given.distance,
      });

      expect(connections.map((c) => c.location.id)).toEqual([given.windowStart, given.midway, given.boundary, given.windowLastMs]);
      expect(statements).toHaveLength(1);
    } finally {
      await db.destroy();
    }
  });

  apiTest("uses 5 metres when distance is omitted, as the legacy frontend expected", async ({ readModels: t, app }) => {
    await givenPersons(t.db, [PAM, TACO]);
    await givenLocation(t.db, { personId: "1", ...HERE, at: "2020-08-15T10:37:06.000Z" });
    const nearEnough = await givenLocation(t.db, { personId: "5", ...NORTH_4_5M, at: "2020-08-15T10:40:00.000Z" });
    await givenLocation(t.db, { personId: "5", latitude: 35.05856, longitude: HERE.longitude, at: "2020-08-15T10:41:00.000Z" });

    const response = await app.inject({ url: "/api/persons/1/connection?start_date=2020-01-01&end_date=2020-12-30" });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([{ person: TACO, location: location(nearEnough, "5", NORTH_4_5M, "2020-08-15T10:40:00.000Z") }]);
  });

  apiTest("answers an empty list for a registered person without check-ins", async ({ readModels: t, app }) => {
    await givenPersons(t.db, [PAM, TACO]);
    await givenLocation(t.db, { personId: "5", ...HERE, at: "2020-08-15T10:37:06.000Z" });

    const response = await app.inject({ url: "/api/persons/1/connection?start_date=2020-01-01&end_date=2020-12-30&distance=5" });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
  });

  apiTest("answers 404 problem+json for a person nobody registered, even one with check-ins", async ({ readModels: t, app }) => {
    await givenPersons(t.db, [TACO]);
    await givenLocation(t.db, { personId: "ghost", ...HERE, at: "2020-08-15T10:37:06.000Z" });
    await givenLocation(t.db, { personId: "5", ...HERE, at: "2020-08-15T10:37:06.000Z" });

    const response = await app.inject({ url: "/api/persons/ghost/connection?start_date=2020-01-01&end_date=2020-12-30" });

    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toEqual({
      type: "https://udaconnect.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: 'No person with id "ghost"',
      instance: "/api/persons/ghost/connection?start_date=2020-01-01&end_date=2020-12-30",
    });
  });
});
