import type {} from "@udaconnect/test-support/global-setup";
import { request as httpRequest } from "node:http";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { createDatabase } from "../src/postgres/create-database";
import { buildApp } from "../src/app";
import { startQueryApi, type RunningQueryApi } from "../src/server";
import { apiTest } from "./fixtures";
import { givenLocation, givenPersons } from "./given";
import { appDependencies, queryApiOptions } from "./query-api-options";

const DISTANCE_RULE = "distance must be a decimal number of metres above 0 and at most 10000 (e.g. 5 or 2.5)";
const PERSON_ID_RULE = 'path parameter person_id must match pattern "^[A-Za-z0-9_-]{1,64}$"';
const INVALID = "https://udaconnect.dev/problems/invalid-parameter";
const connection = (query: string, personId = "1") => `/api/persons/${personId}/connection?${query}`;

let t: TestDatabase;
let app: FastifyInstance;

// Nothing here writes after this setup: the file's tests share one database.
beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
  await givenPersons(t.db, [{ id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" }]);
  await givenLocation(t.db, { personId: "1", latitude: 35.0585136, longitude: -106.5719566, at: "2020-08-15T10:37:06.000Z" });
  app = await buildApp(appDependencies({ readModels: t, auth: "disabled" }));
});

afterAll(async () => {
  await app.close();
  await t.drop();
});

describe("a malformed request of a registered person's connections is a 400 problem naming the parameter", () => {
  it.each([
    ["start_date=2020-13-01&end_date=2020-12-30", 'query parameter start_date must match format "date" (got "2020-13-01")'],
    ["start_date=abc&end_date=2020-12-30", 'query parameter start_date must match format "date" (got "abc")'],
    ["start_date=2020-02-30&end_date=2020-12-30", 'query parameter start_date must match format "date" (got "2020-02-30")'],
    ["start_date=2020-01-01&end_date=2021-02-29", 'query parameter end_date must match format "date" (got "2021-02-29")'],
    ["start_date=2020-01-01T00:00:00Z&end_date=2020-12-30", 'query parameter start_date must match format "date" (got "2020-01-01T00:00:00Z")'],
    ["start_date=2020-03-02&end_date=2020-03-01", "end_date (2020-03-01) must not be before start_date (2020-03-02)"],
    ["end_date=2020-12-30", "query parameter start_date is required"],
    ["start_date=2020-01-01", "query parameter end_date is required"],
    ["start_date=2020-01-01&start_date=2020-01-02&end_date=2020-12-30", 'query parameter start_date must be string (got ["2020-01-01","2020-01-02"])'],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=-1", `${DISTANCE_RULE}, got "-1"`],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=0", `${DISTANCE_RULE}, got "0"`],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=NaN", `${DISTANCE_RULE}, got "NaN"`],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=Infinity", `${DISTANCE_RULE}, got "Infinity"`],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=10000.01", `${DISTANCE_RULE}, got "10000.01"`],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=1e9", `${DISTANCE_RULE}, got "1e9"`],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=abc", `${DISTANCE_RULE}, got "abc"`],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=", `${DISTANCE_RULE}, got ""`],
    ["start_date=2020-01-01&end_date=2020-12-30&distance=5&distance=6", 'query parameter distance must be number (got ["5","6"])'],
  ])("?%s", async (query, detail) => {
    const response = await app.inject({ url: connection(query) });

    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toEqual({ type: INVALID, title: "Invalid parameter", status: 400, detail, instance: connection(query) });
  });

  it.each([
    ["a.b", `${PERSON_ID_RULE} (got "a.b")`],
    ["%E2%82%AC", `${PERSON_ID_RULE} (got "€")`],
    ["x".repeat(65), `${PERSON_ID_RULE} (got "${"x".repeat(65)}")`],
    ["x".repeat(100), `${PERSON_ID_RULE} (got "${"x".repeat(76)}...)`],
  ])("person id %s", async (personId, detail) => {
    const url = connection("start_date=2020-01-01&end_date=2020-12-30", personId);

    const response = await app.inject({ url });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ type: INVALID, title: "Invalid parameter", status: 400, detail, instance: url });
  });
});

describe("other problems", () => {
  it("ignores unknown query parameters", async () => {
    const response = await app.inject({ url: connection("start_date=2020-01-01&end_date=2020-12-30&distance=2.5&colour=red") });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
  });

  it("answers 400 for a malformed person id on /api/persons/{person_id}", async () => {
    const response = await app.inject({ url: "/api/persons/1;DROP" });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: INVALID, detail: `${PERSON_ID_RULE} (got "1;DROP")` });
  });

  it("answers 400 about:blank for a path that is not a valid URL", async () => {
    const response = await app.inject({ url: "/api/persons/%ZZ" });

    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toEqual({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "'/api/persons/%ZZ' is not a valid url component",
      instance: "/api/persons/%ZZ",
    });
  });

  it.each([
    ["GET", "/api/people"],
    ["GET", "/api/persons/1/connection/extra"],
    ["POST", "/v1/nothing-here"],
  ] as const)("answers 404 problem+json for %s %s", async (method, url) => {
    const response = await app.inject({ method, url });

    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toEqual({
      type: "https://udaconnect.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: `No route ${method} ${url}`,
      instance: url,
    });
  });
});

describe("a known path asked with another method", () => {
  it.each([
    ["DELETE", "/api/persons/1", "GET, HEAD"],
    ["TRACE", "/v1/persons/1/connections", "GET, HEAD"],
    ["POST", "/v1/persons", "GET, HEAD"],
    ["PUT", "/healthz", "GET, HEAD"],
    // Methods that may carry a body: Fastify reads it before it finds no route (QUERY without Content-Type was a 400).
    ["QUERY", "/api/persons", "GET, HEAD, POST"],
    ["PATCH", "/api/persons/1", "GET, HEAD", "text/plain"],
  ] as const)("answers 405 problem+json with Allow for %s %s", async (method, url, allow, contentType?: string) => {
    const body = contentType === undefined ? {} : { headers: { "content-type": contentType }, payload: "x" };
    const response = await app.inject({ method, url, ...body });

    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toEqual({
      type: "about:blank",
      title: "Method Not Allowed",
      status: 405,
      detail: `${url} answers ${allow}, not ${method}`,
      instance: url,
    });
  });

  apiTest("is still 404 on an unknown path when CORS answers OPTIONS everywhere", async ({ buildAppWith }) => {
    const withCors = await buildAppWith({ corsOrigins: ["http://localhost:3000"] });

    const response = await withCors.inject({ method: "POST", url: "/v1/nothing-here" });

    expect(response.statusCode).toBe(404);
  });

  it("is 404, not 400, for QUERY without Content-Type on an unknown path", async () => {
    const response = await app.inject({ method: "QUERY", url: "/v1/nothing-here" });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, detail: "No route QUERY /v1/nothing-here" });
  });
});

describe("requests Node's HTTP parser refuses, over a real socket", () => {
  let api: RunningQueryApi;
  beforeAll(async () => {
    api = await startQueryApi(queryApiOptions({ auth: "disabled", databaseUrl: t.url, port: 0 }));
  });
  afterAll(async () => {
    await api.close();
  });

  it("answers a query string over 16 KB with 431 problem+json", async () => {
    const response = await fetch(`${api.url}/v1/persons?cursor=${"x".repeat(20_000)}`);

    expect(response.status).toBe(431);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual({
      type: "about:blank",
      title: "Request Header Fields Too Large",
      status: 431,
      detail: "The request line and headers exceed 16 KB; shorten the query string or the headers.",
    });
  });

  it("answers a method Node does not know with 501 problem+json", async () => {
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpRequest(`${api.url}/v1/persons`, { method: "BREW" }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"] ?? "", body }));
      });
      req.on("error", reject);
      req.end();
    });

    expect(answer.status).toBe(501);
    expect(answer.type).toBe("application/problem+json");
    expect(JSON.parse(answer.body)).toMatchObject({ type: "about:blank", status: 501, title: "Not Implemented" });
  });
});
