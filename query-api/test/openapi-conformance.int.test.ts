import type {} from "@udaconnect/test-support/global-setup";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { startQueryApi, type RunningQueryApi } from "../src/server";
import { givenLocation, givenPersons } from "./given";

/**
 * Walks the served OpenAPI document: for every operation, requests built from the spec alone
 * (valid values, then one invalid parameter at a time, then an unknown person) must get a
 * status the operation declares, with a media type and body that match its schema.
 */

interface Parameter {
  name: string;
  in: "path" | "query";
  required?: boolean;
  schema: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

const DOC_ID = "https://udaconnect.dev/openapi.json";
let t: TestDatabase;
let api: RunningQueryApi;
let document: { paths: Record<string, { get: Operation }>; components: unknown };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"));
  await givenPersons(t.db, [
    { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" },
    { id: "6", first_name: "Frank", last_name: "Shader", company_name: "USDA" },
  ]);
  await givenLocation(t.db, { personId: "5", latitude: 35.0585136, longitude: -106.5719566, at: "2020-03-10T10:00:00.000Z" });
  await givenLocation(t.db, { personId: "6", latitude: 35.0585137, longitude: -106.5719566, at: "2020-03-10T10:01:00.000Z" });
  api = await startQueryApi({ databaseUrl: t.url, port: 0 });
  document = (await (await fetch(`${api.url}/openapi.json`)).json()) as typeof document;
  ajv.addSchema({ $id: DOC_ID, components: document.components });
});

afterAll(async () => {
  await api.close();
  await t.drop();
});

/** A value the parameter's schema admits: its example, else one derived from type and format. */
function validValue(p: Parameter): string {
  const s = p.schema;
  const example = (s.examples as unknown[] | undefined)?.[0];
  if (example !== undefined) return String(example);
  if (s.format === "date-time") return p.name === "to" ? "2020-03-11T00:00:00Z" : "2020-03-10T00:00:00Z";
  if (s.format === "date") return p.name === "end_date" ? "2020-03-11" : "2020-03-10";
  if (s.default !== undefined) return String(s.default);
  if (s.type === "integer" || s.type === "number") return String(s.minimum ?? 1);
  return "5";
}

/** A value the parameter's schema rejects, or undefined when every string is admissible. */
function invalidValue(p: Parameter): string | undefined {
  const s = p.schema;
  if (s.format === "date-time" || s.format === "date") return "yesterday";
  if (typeof s.maximum === "number") return String(s.maximum + 1);
  if (s.type === "integer" || s.type === "number") return "many";
  if (typeof s.pattern === "string") return "not valid!";
  return undefined;
}

function url(path: string, values: Map<string, string>, parameters: readonly Parameter[]): string {
  let result = path;
  const query = new URLSearchParams();
  for (const p of parameters) {
    const value = values.get(p.name);
    if (value === undefined) continue;
    if (p.in === "path") result = result.replace(`{${p.name}}`, encodeURIComponent(value));
    else query.set(p.name, value);
  }
  const search = query.toString();
  return `${api.url}${result}${search === "" ? "" : `?${search}`}`;
}

async function expectConforms(operation: Operation, target: string, expectedStatus?: number): Promise<void> {
  const response = await fetch(target);
  const declared = operation.responses[String(response.status)];
  const body = await response.text();
  expect(declared, `${operation.operationId} ${target}: undeclared status ${response.status} ${body}`).toBeDefined();
  if (expectedStatus !== undefined) expect(response.status, `${target}: ${body}`).toBe(expectedStatus);
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0] ?? "";
  const content = declared?.content?.[mediaType];
  expect(content, `${operation.operationId}: undeclared media type ${mediaType}`).toBeDefined();
  const schema = JSON.parse(JSON.stringify(content?.schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`));
  const value = mediaType === "text/plain" ? body : JSON.parse(body);
  const valid = ajv.validate(schema, value);
  expect(valid, `${operation.operationId} ${target}: ${ajv.errorsText()}`).toBe(true);
}

describe("the OpenAPI document against the running server", () => {
  it("declares every operation the walk below covers", () => {
    expect(Object.values(document.paths).map((p) => p.get.operationId).sort()).toEqual([
      "findConnections",
      "getPerson",
      "healthz",
      "listPersons",
      "metrics",
      "readyz",
      "v1FindConnections",
      "v1GetPerson",
      "v1ListLocations",
      "v1ListPersons",
      "v1ProjectionStatus",
    ]);
  });

  it("answers valid requests built from the spec as the spec says", async () => {
    for (const [path, { get: operation }] of Object.entries(document.paths)) {
      const parameters = operation.parameters ?? [];
      const values = new Map(parameters.filter((p) => p.required || p.schema.examples !== undefined).map((p) => [p.name, validValue(p)]));
      await expectConforms(operation, url(path, values, parameters), 200);
    }
  });

  it("answers each invalid parameter, missing required one and unknown person with a declared problem", async () => {
    let checked = 0;
    for (const [path, { get: operation }] of Object.entries(document.paths)) {
      const parameters = operation.parameters ?? [];
      const valid = new Map(parameters.filter((p) => p.required).map((p) => [p.name, validValue(p)]));
      for (const p of parameters) {
        const bad = invalidValue(p);
        if (bad !== undefined) {
          await expectConforms(operation, url(path, new Map([...valid, [p.name, bad]]), parameters), 400);
          checked += 1;
        }
        if (p.required && p.in === "query") {
          const without = new Map(valid);
          without.delete(p.name);
          await expectConforms(operation, url(path, without, parameters), 400);
          checked += 1;
        }
        if (p.name === "person_id") {
          await expectConforms(operation, url(path, new Map([...valid, [p.name, "nobody"]]), parameters), 404);
          checked += 1;
        }
      }
    }
    expect(checked).toBe(27);
  });

  it("answers GeoJSON as the spec says", async () => {
    const operation = document.paths["/v1/persons/{person_id}/locations"]?.get as Operation;
    const response = await fetch(`${api.url}/v1/persons/5/locations`, { headers: { accept: "application/geo+json" } });
    const schema = operation.responses["200"]?.content?.["application/geo+json"]?.schema;

    expect(response.headers.get("content-type")).toBe("application/geo+json; charset=utf-8");
    expect(ajv.validate(schema as object, await response.json()), ajv.errorsText()).toBe(true);
  });
});
