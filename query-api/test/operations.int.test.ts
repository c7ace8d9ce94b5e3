import type {} from "@udaconnect/test-support/global-setup";
import { Script } from "node:vm";
import SwaggerParser from "@apidevtools/swagger-parser";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { readExposition } from "@udaconnect/observability";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { buildApp } from "../src/app";
import { createDatabase } from "../src/postgres/create-database";
import { apiTest } from "./fixtures";
import { appDependencies } from "./query-api-options";

// Port 1 on loopback refuses connections at once: a database that is down.
const DATABASE_DOWN = "postgres://udaconnect@127.0.0.1:1/udaconnect";

let t: TestDatabase;
let app: FastifyInstance;

// Nothing here writes: the file's tests share one database. The tests of a database that is down
// or broken build their own apps with apiTest's fixtures.
beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
  app = await buildApp(appDependencies({ readModels: t, auth: "disabled" }));
});

afterAll(async () => {
  await app.close();
  await t.drop();
});

describe("probes", () => {
  it("GET /healthz answers ok", async () => {
    const response = await app.inject({ url: "/healthz" });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz answers ok when the database answers", async () => {
    const response = await app.inject({ url: "/readyz" });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  apiTest("GET /readyz answers 503 problem+json when the database does not, while /healthz stays ok", async ({ connectDatabase, buildAppWith }) => {
    const cut = await buildAppWith({ readModels: connectDatabase(DATABASE_DOWN) });

    const ready = await cut.inject({ url: "/readyz" });
    const healthy = await cut.inject({ url: "/healthz" });

    expect(ready.statusCode).toBe(503);
    expect(ready.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(ready.json()).toEqual({
      type: "https://udaconnect.dev/problems/unavailable",
      title: "Not ready",
      status: 503,
      detail: "The database does not answer.",
      instance: "/readyz",
    });
    expect(healthy.statusCode).toBe(200);
  });

  apiTest(
    "answers 503 problem+json with Retry-After on every database route when the database cannot be reached",
    async ({ connectDatabase, buildAppWith }) => {
      const cut = await buildAppWith({ readModels: connectDatabase(DATABASE_DOWN) });

      for (const url of [
        "/api/persons",
        "/v1/persons",
        "/v1/persons/p1",
        "/v1/persons/p1/locations?from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z",
        "/v1/persons/p1/connections?from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z",
        "/v1/projection/status",
      ]) {
        const response = await cut.inject({ url });

        expect(response.statusCode, url).toBe(503);
        expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
        expect(response.headers["retry-after"]).toBe("5");
        expect(response.json()).toEqual({
          type: "https://udaconnect.dev/problems/unavailable",
          title: "Not available",
          status: 503,
          detail: "The database cannot be reached; retry later.",
          instance: url,
        });
      }
    },
  );

  apiTest("a query that fails in the database for any other reason is a 500 problem that hides the cause", async ({ readModels, buildAppWith }) => {
    await sql`DROP TABLE person CASCADE`.execute(readModels.db);
    const cut = await buildAppWith();

    const response = await cut.inject({ url: "/api/persons" });

    expect(response.statusCode).toBe(500);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toEqual({
      type: "https://udaconnect.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: "The request failed unexpectedly; it is logged as req-1.",
      instance: "/api/persons",
    });
    expect(response.body).not.toMatch(/relation|does not exist/);
  });
});

describe("GET /metrics", () => {
  it("exposes request latency histograms by route pattern and status", async () => {
    await app.inject({ url: "/v1/persons/nobody" });
    await app.inject({ url: "/v1/persons/somebody-else" });

    const response = await app.inject({ url: "/metrics" });

    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const labels = 'method="GET",route="/v1/persons/:person_id",status="404"';
    expect(response.body).toContain("# TYPE http_request_duration_seconds histogram\n");
    expect(response.body).toContain(`http_request_duration_seconds_bucket{le="+Inf",${labels}} 2\n`);
    expect(response.body).toContain(`http_request_duration_seconds_count{${labels}} 2\n`);
    expect(response.body).not.toContain("somebody-else");
  });

  it("shows the process's memory and event-loop lag as plausible numbers", async () => {
    const samples = readExposition((await app.inject({ url: "/metrics" })).body);
    const value = (name: string) => samples.find((s) => s.name === name)?.value;

    expect(value("process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
    expect(value("process_resident_memory_bytes")).toBeLessThan(8 * 1024 ** 3);
    expect(value("nodejs_heap_size_used_bytes")).toBeGreaterThan(1024 * 1024);
    expect(value("nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(value("nodejs_eventloop_lag_seconds")).toBeLessThan(5);
  });
});

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document of every route, its parameters and its responses", async () => {
    const response = await app.inject({ url: "/openapi.json" });
    const document = response.json();

    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual([
      "/api/locations",
      "/api/locations/{location_id}",
      "/api/persons",
      "/api/persons/{person_id}",
      "/api/persons/{person_id}/connection",
      "/health",
      "/healthz",
      "/metrics",
      "/readyz",
      "/v1/persons",
      "/v1/persons/{person_id}",
      "/v1/persons/{person_id}/connections",
      "/v1/persons/{person_id}/locations",
      "/v1/projection/status",
    ]);
    const operation = (path: string) => document.paths[path].get;
    const responses = (path: string) => Object.keys(operation(path).responses).sort();
    const parameters = (path: string) =>
      operation(path).parameters.map((p: { in: string; name: string; required: boolean }) => `${p.in} ${p.name} ${p.required}`);
    // 431: Node refuses an oversized request line or headers on any route, 405 another method on a known
    // path; 304: every GET answers If-None-Match; 400: every operation with parameters (here consistent_with) may
    // be asked with a malformed one (src/http/openapi.ts).
    expect(responses("/api/persons")).toEqual(["200", "304", "400", "401", "405", "429", "431", "500", "503"]);
    expect(responses("/api/persons/{person_id}")).toEqual(["200", "304", "400", "401", "403", "404", "405", "429", "431", "500", "503"]);
    expect(responses("/api/persons/{person_id}/connection")).toEqual(["200", "304", "400", "401", "403", "404", "405", "429", "431", "500", "503"]);
    expect(responses("/v1/persons/{person_id}/connections")).toEqual(["200", "304", "400", "401", "403", "404", "405", "422", "429", "431", "500", "503"]);
    expect(responses("/readyz")).toEqual(["200", "304", "405", "431", "503"]);
    expect(Object.keys(document.paths["/api/persons"].post.responses).sort()).toEqual([
      "202",
      "400",
      "401",
      "403",
      "405",
      "413",
      "415",
      "422",
      "429",
      "431",
      "500",
      "501",
      "503",
    ]);
    expect(parameters("/api/persons/{person_id}")).toEqual(["query consistent_with false", "path person_id true", "header if-none-match false"]);
    expect(parameters("/api/persons/{person_id}/connection")).toEqual([
      "query start_date true",
      "query end_date true",
      "query distance false",
      "query consistent_with false",
      "path person_id true",
      "header if-none-match false",
    ]);
    expect(operation("/api/persons/{person_id}/connection").responses["400"].content).toEqual({
      "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
    });
    expect(Object.keys(document.components.schemas).sort()).toEqual(["Connection", "ConnectionSummary", "Location", "Person", "PersonsPage", "Problem"]);
  });

  it("serves Swagger UI at /docs", async () => {
    const response = await app.inject({ url: "/docs/" });

    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toContain("<title>Swagger UI</title>");
  });
});

describe("GET /", () => {
  it("serves the self-contained web page under a policy that admits only its own script and style", async () => {
    const response = await app.inject({ url: "/" });

    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toContain("<title>UdaConnect: whom did they meet?</title>");
    // The page's own script holds this template literal: the test looks for its text.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the string is the page's source text, not a template.
    expect(response.body).toContain("/v1/persons/${id}/connections?${query}");
    expect(response.body).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(response.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(response.body)?.[1] ?? "";
    expect(() => new Script(script)).not.toThrow();
    expect(response.headers["content-security-policy"]).toMatch(
      /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]{43}='; style-src 'sha256-[A-Za-z0-9+/]{43}='; connect-src 'self'; /,
    );
  });
});
