import type {} from "@udaconnect/test-support/global-setup";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { createDatabase } from "../src/postgres/create-database";
import { buildApp } from "../src/app";
import { givenLocation, givenPersons } from "./given";
import { appDependencies } from "./query-api-options";

const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };
const TACO = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" };
const ADA = { id: "ada", first_name: "Ada", last_name: "Lovelace", company_name: "Analytical" };
const ALAN = { id: "alan", first_name: "Alan", last_name: "Lovelace", company_name: "Bletchley" };
const PERCENT = { id: "pct", first_name: "100%", last_name: "Sure", company_name: "Odds" };

let t: TestDatabase;
let app: FastifyInstance;
let checkIns: string[];

// Read-only after setup: the file's tests share one database.
beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
  app = await buildApp(appDependencies({ readModels: t, auth: "disabled" }));
  await givenPersons(t.db, [PAM, TACO, ADA, ALAN, PERCENT]);
  checkIns = [];
  for (const [at, accuracyM] of [
    ["2020-03-10T10:00:00.000Z", 4.5],
    ["2020-03-10T11:00:00.000Z", undefined],
    ["2020-03-10T11:00:00.000Z", undefined],
    ["2020-03-11T09:00:00.000Z", 12],
  ] as const) {
    checkIns.push(
      await givenLocation(t.db, { personId: "1", latitude: 35.0585136, longitude: -106.5719566, at, ...(accuracyM === undefined ? {} : { accuracyM }) }),
    );
  }
  // Same instant twice: the page order falls back to the event id.
  checkIns = [checkIns[0] ?? "", ...[checkIns[1] ?? "", checkIns[2] ?? ""].sort(), checkIns[3] ?? ""];
});

afterAll(async () => {
  await app.close();
  await t.drop();
});

const json = async (url: string, headers: Record<string, string> = {}) => {
  const response = await app.inject({ url, headers });
  return { status: response.statusCode, type: response.headers["content-type"], body: response.json() };
};

describe("GET /v1/persons", () => {
  it("pages through everyone by last name, first name and id with a cursor that neither repeats nor skips", async () => {
    const first = await json("/v1/persons?limit=2");
    const second = await json(`/v1/persons?limit=2&cursor=${first.body.next_cursor}`);
    const third = await json(`/v1/persons?limit=2&cursor=${second.body.next_cursor}`);

    expect(first.body.persons).toEqual([TACO, ADA]);
    expect(second.body.persons).toEqual([ALAN, PERCENT]);
    expect(third.body).toEqual({ persons: [PAM], next_cursor: null });
  });

  it("searches by part of the name, either order, case-insensitive, % taken literally", async () => {
    expect((await json("/v1/persons?q=lovel")).body).toEqual({ persons: [ADA, ALAN], next_cursor: null });
    expect((await json("/v1/persons?q=lovelace%20ada")).body.persons).toEqual([ADA]);
    expect((await json("/v1/persons?q=100%25")).body.persons).toEqual([PERCENT]);
    expect((await json("/v1/persons?q=0%25")).body.persons).toEqual([PERCENT]);
    expect((await json("/v1/persons?q=%25%25")).body.persons).toEqual([]);
  });

  it.each([
    ["limit=0", "query parameter limit must be >= 1 (got 0)"],
    ["limit=501", "query parameter limit must be <= 500 (got 501)"],
    ["cursor=bm90LWpzb24", "query parameter cursor is not a cursor this API returned"],
    ["cursor=a%20b", 'query parameter cursor must match pattern "^[A-Za-z0-9_-]+$" (got "a b")'],
  ])("answers 400 for %s", async (query, detail) => {
    const response = await json(`/v1/persons?${query}`);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: "https://udaconnect.dev/problems/invalid-parameter", detail });
  });
});

describe("GET /v1/persons/{id}", () => {
  it("answers the person, or 404 problem+json", async () => {
    expect(await json("/v1/persons/ada")).toMatchObject({ status: 200, body: ADA });
    expect(await json("/v1/persons/nobody")).toMatchObject({
      status: 404,
      type: "application/problem+json; charset=utf-8",
      body: { type: "https://udaconnect.dev/problems/not-found", detail: 'No person with id "nobody"' },
    });
  });
});

describe("GET /v1/persons/{id}/locations", () => {
  it("pages the check-ins of [from, to) by time, then event id, each with its accuracy (null when none was reported)", async () => {
    const first = await json("/v1/persons/1/locations?from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&limit=2");
    const second = await json(`/v1/persons/1/locations?from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z&limit=2&cursor=${first.body.next_cursor}`);

    const at = (id: string | undefined, time: string, accuracy_m: number | null) => ({
      id,
      latitude: 35.0585136,
      longitude: -106.5719566,
      at: time,
      accuracy_m,
    });
    expect(first.body.locations).toEqual([at(checkIns[0], "2020-03-10T10:00:00.000Z", 4.5), at(checkIns[1], "2020-03-10T11:00:00.000Z", null)]);
    expect(second.body).toEqual({ locations: [at(checkIns[2], "2020-03-10T11:00:00.000Z", null)], next_cursor: null });
  });

  it("answers GeoJSON when asked for application/geo+json", async () => {
    const response = await json("/v1/persons/1/locations?from=2020-03-11T00:00:00Z", { accept: "application/geo+json" });

    expect(response.type).toBe("application/geo+json; charset=utf-8");
    expect(response.body).toEqual({
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          id: checkIns[3],
          geometry: { type: "Point", coordinates: [-106.5719566, 35.0585136] },
          properties: { at: "2020-03-11T09:00:00.000Z", accuracy_m: 12 },
        },
      ],
      next_cursor: null,
    });
  });

  it("answers 404 for an unknown person and 400 for a range beyond a year", async () => {
    expect((await json("/v1/persons/nobody/locations")).status).toBe(404);
    expect((await json("/v1/persons/1/locations?from=2020-01-01T00:00:00Z&to=2021-01-02T00:00:00Z")).body).toMatchObject({
      status: 400,
      detail: "the range from 2020-01-01T00:00:00Z to 2021-01-02T00:00:00Z is longer than 366 days",
    });
  });
});
