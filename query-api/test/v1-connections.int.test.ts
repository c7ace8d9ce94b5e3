import type {} from "@udaconnect/test-support/global-setup";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { createDatabase } from "../src/postgres/create-database";
import { buildApp } from "../src/app";
import { findEncounters } from "../src/encounters/find-encounters";
import { givenLocation, givenPersons, metresBetween } from "./given";
import { appDependencies } from "./query-api-options";

const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };
const TACO = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" };
const FRANK = { id: "6", first_name: "Frank", last_name: "Shader", company_name: "USDA" };
const PAUL = { id: "8", first_name: "Paul", last_name: "Badman", company_name: "Paul Badman & Associates" };
const OTTO = { id: "9", first_name: "Otto", last_name: "Spring", company_name: "The Chicken Sisters Restaurant" };
const EDGE = { id: "edge", first_name: "Eddie", last_name: "Edge", company_name: "Cells" };

// Albuquerque; EAST_3M ~3 m east of HERE, MIDWAY between them, NORTH_4_5M ~4.5 m north, KM_NORTH ~1 km north.
const HERE = { latitude: 35.0585136, longitude: -106.5719566 };
const EAST_3M = { latitude: 35.0585136, longitude: -106.5719237 };
const MIDWAY = { latitude: 35.0585136, longitude: -106.5719402 };
const NORTH_4_5M = { latitude: 35.0585542, longitude: -106.5719566 };
const KM_NORTH = { latitude: 35.0675136, longitude: -106.5719566 };
// 2.2 m either side of the grid line at 35.0585° (cell rows 350584 and 350585).
const SOUTH_OF_EDGE = { latitude: 35.05848, longitude: -106.57 };
const NORTH_OF_EDGE = { latitude: 35.05852, longitude: -106.57 };

const DAY = "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z";

let t: TestDatabase;
let app: FastifyInstance;
let frankDistance: number;
let edgeDistance: number;

// Read-only after setup: the file's tests share one database.
beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
  app = await buildApp(appDependencies({ readModels: t, auth: "disabled" }));
  await givenPersons(t.db, [PAM, TACO, FRANK, PAUL, OTTO, EDGE]);
  const at = (personId: string, where: typeof HERE, time: string) => givenLocation(t.db, { personId, ...where, at: time });
  await at("1", HERE, "2020-03-10T00:01:00.000Z");
  await at("1", HERE, "2020-03-10T10:00:00.000Z");
  await at("1", EAST_3M, "2020-03-10T11:00:00.000Z");
  await at("1", SOUTH_OF_EDGE, "2020-03-10T15:00:00.000Z");
  await at("8", HERE, "2020-03-09T23:59:30.000Z"); // 90 s before her first, but before `from`: no encounter
  await at("8", HERE, "2020-03-10T00:02:00.000Z"); // 60 s after her first
  await at("5", MIDWAY, "2020-03-10T10:05:00.000Z"); // 300 s after her 10:00, 1.5 m away
  await at("5", EAST_3M, "2020-03-10T10:58:00.000Z"); // 120 s before her 11:00, same spot
  await at("6", NORTH_4_5M, "2020-03-10T10:10:00.000Z"); // exactly 600 s after her 10:00: included
  await at("6", HERE, "2020-03-10T09:49:59.999Z"); // 600.001 s before her 10:00: excluded
  await at("9", KM_NORTH, "2020-03-10T10:00:00.000Z"); // ~1 km: only with a large radius
  await at("edge", NORTH_OF_EDGE, "2020-03-10T15:01:00.000Z"); // another cell row, 4.4 m away
  await at("ghost", HERE, "2020-03-10T10:00:00.000Z"); // never registered: nobody to show
  frankDistance = await metresBetween(t.db, HERE, NORTH_4_5M);
  edgeDistance = await metresBetween(t.db, SOUTH_OF_EDGE, NORTH_OF_EDGE);
});

afterAll(async () => {
  await app.close();
  await t.drop();
});

const get = (url: string) => app.inject({ url });

describe("GET /v1/persons/{id}/connections", () => {
  it("summarises each person met within 5 m and 600 s, both check-ins in [from, to), by first encounter", async () => {
    const response = await get(`/v1/persons/1/connections?${DAY}`);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      connections: [
        {
          person: PAUL,
          encounters: 1,
          first_encounter_at: "2020-03-10T00:02:00.000Z",
          last_encounter_at: "2020-03-10T00:02:00.000Z",
          closest_distance_m: 0,
          closest_location: { ...HERE, at: "2020-03-10T00:02:00.000Z" },
        },
        {
          person: TACO,
          encounters: 2,
          first_encounter_at: "2020-03-10T10:05:00.000Z",
          last_encounter_at: "2020-03-10T11:00:00.000Z",
          closest_distance_m: 0,
          closest_location: { ...EAST_3M, at: "2020-03-10T10:58:00.000Z" },
        },
        {
          person: FRANK,
          encounters: 1,
          first_encounter_at: "2020-03-10T10:10:00.000Z",
          last_encounter_at: "2020-03-10T10:10:00.000Z",
          closest_distance_m: frankDistance,
          closest_location: { ...NORTH_4_5M, at: "2020-03-10T10:10:00.000Z" },
        },
        {
          person: EDGE,
          encounters: 1,
          first_encounter_at: "2020-03-10T15:01:00.000Z",
          last_encounter_at: "2020-03-10T15:01:00.000Z",
          closest_distance_m: edgeDistance,
          closest_location: { ...NORTH_OF_EDGE, at: "2020-03-10T15:01:00.000Z" },
        },
      ],
    });
    expect(frankDistance).toBeGreaterThan(4.4);
    expect(edgeDistance).toBeGreaterThan(4.4);
  });

  it("is symmetric: the person met sees the same encounters the other way round", async () => {
    const response = await get(`/v1/persons/5/connections?${DAY}`);
    const tacoToFrank = await metresBetween(t.db, MIDWAY, NORTH_4_5M);

    expect(response.json()).toEqual({
      connections: [
        {
          person: PAM,
          encounters: 2,
          first_encounter_at: "2020-03-10T10:05:00.000Z",
          last_encounter_at: "2020-03-10T11:00:00.000Z",
          closest_distance_m: 0,
          closest_location: { ...EAST_3M, at: "2020-03-10T11:00:00.000Z" },
        },
        {
          person: FRANK,
          encounters: 1,
          first_encounter_at: "2020-03-10T10:10:00.000Z",
          last_encounter_at: "2020-03-10T10:10:00.000Z",
          closest_distance_m: tacoToFrank,
          closest_location: { ...NORTH_4_5M, at: "2020-03-10T10:10:00.000Z" },
        },
      ],
    });
  });

  it("takes distance_m and within_s: 1000 m reaches Otto, 0 s only simultaneous check-ins", async () => {
    const wide = await get(`/v1/persons/1/connections?${DAY}&distance_m=1000&within_s=600`);
    const instant = await get(`/v1/persons/1/connections?${DAY}&within_s=0`);

    expect(wide.json().connections.map((c: { person: { id: string } }) => c.person.id)).toEqual(["8", "9", "5", "6", "edge"]);
    expect(instant.json()).toEqual({ connections: [] });
  });

  it("finds the same encounters through the grid cells and through the GiST index", async () => {
    const lookup = { personId: "1", from: new Date("2020-03-10T00:00:00Z"), to: new Date("2020-03-11T00:00:00Z"), distanceMetres: 5, withinSeconds: 600 };

    const cells = await findEncounters(t, lookup, { force: "cells" });
    const gist = await findEncounters(t, lookup, { force: "gist" });

    expect(cells.kind === "found" && cells.value.map((c) => c.person.id)).toEqual(["8", "5", "6", "edge"]);
    expect(gist).toEqual(cells);
  });

  it("answers an empty list for a person with no check-ins in the range", async () => {
    const response = await get("/v1/persons/1/connections?from=2021-01-01T00:00:00Z&to=2021-01-02T00:00:00Z");

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ connections: [] });
  });

  it.each([
    ["from=2020-03-10&to=2020-03-11T00:00:00Z", 'query parameter from must match format "date-time" (got "2020-03-10")'],
    ["to=2020-03-11T00:00:00Z", "query parameter from is required"],
    ["from=2020-03-11T00:00:00Z&to=2020-03-10T00:00:00Z", "to (2020-03-10T00:00:00Z) must be after from (2020-03-11T00:00:00Z)"],
    ["from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:01Z", "the range from 2020-01-01T00:00:00Z to 2020-02-01T00:00:01Z is longer than 31 days"],
    [`${DAY}&distance_m=0`, "query parameter distance_m must be > 0 (got 0)"],
    [`${DAY}&distance_m=1000.5`, "query parameter distance_m must be <= 1000 (got 1000.5)"],
    [`${DAY}&within_s=86401`, "query parameter within_s must be <= 86400 (got 86401)"],
    [`${DAY}&within_s=1.5`, 'query parameter within_s must be integer (got "1.5")'],
    [`${DAY}&max_accuracy_m=0`, "query parameter max_accuracy_m must be > 0 (got 0)"],
    [`${DAY}&max_accuracy_m=-3`, "query parameter max_accuracy_m must be > 0 (got -3)"],
    [`${DAY}&max_accuracy_m=1000.5`, "query parameter max_accuracy_m must be <= 1000 (got 1000.5)"],
    [`${DAY}&max_accuracy_m=ten`, 'query parameter max_accuracy_m must be number (got "ten")'],
  ])("answers 400 problem+json for %s", async (query, detail) => {
    const response = await get(`/v1/persons/1/connections?${query}`);

    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toEqual({
      type: "https://udaconnect.dev/problems/invalid-parameter",
      title: "Invalid parameter",
      status: 400,
      detail,
      instance: `/v1/persons/1/connections?${query}`,
    });
  });

  it("answers 404 problem+json for a person nobody registered", async () => {
    const response = await get(`/v1/persons/ghost/connections?${DAY}`);

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ type: "https://udaconnect.dev/problems/not-found", detail: 'No person with id "ghost"' });
  });

  it("carries an ETag and answers 304 when the client already holds that answer", async () => {
    const first = await get(`/v1/persons/1/connections?${DAY}`);
    const again = await app.inject({ url: `/v1/persons/1/connections?${DAY}`, headers: { "if-none-match": String(first.headers.etag) } });

    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
  });
});
