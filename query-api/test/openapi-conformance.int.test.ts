import type {} from "@udaconnect/test-support/global-setup";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSigner, createVerifier, generateSigningKeyPair } from "@udaconnect/auth";
import { createTestDatabase, freePort, inheritedEnv, testMasterKeysFile, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";
import { startQueryApi, type RunningQueryApi } from "../src/server";
import { givenLocation, givenPersons } from "./given";
import { queryApiOptions } from "./query-api-options";

/**
 * Walks the served OpenAPI document with authentication on, as deployed: for every operation,
 * requests built from the spec alone (valid values and example bodies, then one invalid
 * parameter or missing field at a time, an unknown person or location, no token) must get a
 * status the operation declares, with a media type, body and headers that match it. The writes
 * go to a real ingest gateway (its own process, as ./scripts/up runs it) and Kafka.
 */

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  example?: unknown;
  schema: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { required?: string[] }; example?: Record<string, unknown> }> };
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>;
}
type Method = "get" | "post";

const DOC_ID = "https://udaconnect.dev/openapi.json";
const INGEST_DIR = fileURLToPath(new URL("../../ingest", import.meta.url));
/** The example id of GET /api/locations/{location_id}: the walk's check-in has it. */
const EXAMPLE_LOCATION = "0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29";
let t: TestDatabase;
let api: RunningQueryApi;
let ingest: ChildProcess;
let keyDir: string;
let authorization: string;
let document: { paths: Record<string, Partial<Record<Method, Operation>>>; components: unknown };
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
  await sql`UPDATE location SET event_id = ${EXAMPLE_LOCATION} WHERE person_id = '6'`.execute(t.db);
  const keys = await generateSigningKeyPair("conformance");
  authorization = `Bearer ${await (await createSigner(keys.privateKey))({ subject: "conformance-operator", role: "operator" })}`;
  keyDir = await mkdtemp(join(tmpdir(), "udaconnect-conformance-"));
  await writeFile(join(keyDir, "jwks.json"), JSON.stringify(keys.keySet));
  const ingestUrl = await startIngest(join(keyDir, "jwks.json"));
  api = await startQueryApi(queryApiOptions({ databaseUrl: t.url, port: 0, auth: createVerifier(keys.keySet), ingestUrl }));
  document = (await (await fetch(`${api.url}/openapi.json`)).json()) as typeof document;
  ajv.addSchema({ $id: DOC_ID, components: document.components });
});

afterAll(async () => {
  await api?.close();
  if (ingest?.exitCode === null) {
    const exited = new Promise((resolve) => ingest.once("exit", resolve));
    ingest.kill("SIGTERM");
    await exited;
  }
  await rm(keyDir, { recursive: true, force: true });
  await t?.drop();
});

/** The ingest gateway's own process on a free port and a topic namespace of its own; answers its URL once ready. */
async function startIngest(jwksFile: string): Promise<string> {
  ingest = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: INGEST_DIR,
    env: inheritedEnv({
      KAFKA_BROKERS: inject("kafkaBrokers"),
      TOPIC_NAMESPACE: uniqueNamespace(),
      INGEST_PORT: String(await freePort()),
      AUTH_JWKS_FILE: jwksFile,
      // Its key store (docs/erasure.md): the test's database, migrated with the keystore schema.
      KEYSTORE_DATABASE_URL: t.url,
      UDACONNECT_MASTER_KEYS_FILE: await testMasterKeysFile(),
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (listening?.[1] !== undefined) resolve(listening[1]);
    };
    ingest.stdout?.on("data", collect);
    ingest.stderr?.on("data", collect);
    ingest.once("exit", (code) => reject(new Error(`ingest exited (${code}) before listening:\n${output}`)));
  });
  for (let ready = false; !ready; ) {
    ready = (await fetch(`${url}/readyz`)).status === 200;
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return url;
}

function operations(): [string, Method, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (["get", "post"] as const).flatMap((method) => (item[method] === undefined ? [] : [[path, method, item[method]] as [string, Method, Operation]])),
  );
}

/** A value the parameter's schema admits: its example, else one derived from type and format. */
function validValue(p: Parameter): string {
  const s = p.schema;
  const example = p.example ?? (s.examples as unknown[] | undefined)?.[0];
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
  if (s.format === "uuid") return "not-a-uuid";
  return undefined;
}

function url(path: string, values: Map<string, string>, parameters: readonly Parameter[]): string {
  let result = path;
  const query = new URLSearchParams();
  for (const p of parameters) {
    const value = values.get(p.name);
    if (value === undefined || p.in === "header") continue;
    if (p.in === "path") result = result.replace(`{${p.name}}`, encodeURIComponent(value));
    else query.set(p.name, value);
  }
  const search = query.toString();
  return `${api.url}${result}${search === "" ? "" : `?${search}`}`;
}

interface Attempt {
  readonly method?: Method;
  readonly body?: unknown;
  /** Default: the operator's token. */
  readonly authorization?: string | null;
}

async function expectConforms(operation: Operation, target: string, expectedStatus?: number, attempt: Attempt = {}): Promise<void> {
  const headers: Record<string, string> = attempt.body === undefined ? {} : { "content-type": "application/json" };
  const token = attempt.authorization === undefined ? authorization : attempt.authorization;
  if (token !== null) headers.authorization = token;
  const body = attempt.body === undefined ? undefined : JSON.stringify(attempt.body);
  const response = await fetch(target, { method: (attempt.method ?? "get").toUpperCase(), headers, body });
  const declared = operation.responses[String(response.status)];
  const text = await response.text();
  expect(declared, `${operation.operationId} ${target}: undeclared status ${response.status} ${text}`).toBeDefined();
  if (expectedStatus !== undefined) expect(response.status, `${target}: ${text}`).toBe(expectedStatus);
  for (const name of Object.keys(declared?.headers ?? {})) {
    const always = ["ETag", "Location", "WWW-Authenticate", "Allow"].includes(name);
    if (always) expect(response.headers.get(name), `${operation.operationId} ${response.status}: header ${name}`).not.toBeNull();
  }
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0] ?? "";
  const content = declared?.content?.[mediaType];
  expect(content, `${operation.operationId}: undeclared media type ${mediaType}`).toBeDefined();
  const schema = JSON.parse(JSON.stringify(content?.schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`));
  const value = mediaType === "text/plain" ? text : JSON.parse(text);
  const valid = ajv.validate(schema, value);
  expect(valid, `${operation.operationId} ${target}: ${ajv.errorsText()}`).toBe(true);
}

const exampleBody = (operation: Operation) => operation.requestBody?.content["application/json"]?.example;

describe("the OpenAPI document against the running server (auth on)", () => {
  it("declares every operation the walk below covers", () => {
    expect(
      operations()
        .map(([, , operation]) => operation.operationId)
        .sort(),
    ).toEqual([
      "createLocation",
      "createPerson",
      "findConnections",
      "getLocation",
      "getPerson",
      "health",
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

  it("answers valid requests built from the spec (and example bodies) as the spec says", async () => {
    for (const [path, method, operation] of operations()) {
      const parameters = operation.parameters ?? [];
      const values = new Map(parameters.filter((p) => p.required || p.schema.examples !== undefined).map((p) => [p.name, validValue(p)]));
      await expectConforms(operation, url(path, values, parameters), method === "post" ? 202 : 200, { method, body: exampleBody(operation) });
    }
  });

  it("answers each invalid parameter, missing required one, unknown person or location and missing body field with a declared problem", async () => {
    let checked = 0;
    for (const [path, method, operation] of operations()) {
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
        if (p.name === "person_id" || p.name === "location_id") {
          const unknown = p.name === "person_id" ? "nobody" : "00000000-0000-4000-8000-000000000000";
          await expectConforms(operation, url(path, new Map([...valid, [p.name, unknown]]), parameters), 404);
          checked += 1;
        }
      }
      const example = exampleBody(operation);
      for (const field of operation.requestBody?.content["application/json"]?.schema.required ?? []) {
        const { [field]: _left, ...without } = example ?? {};
        await expectConforms(operation, url(path, valid, parameters), 400, { method, body: without });
        checked += 1;
      }
    }
    expect(checked).toBe(45);
  });

  it("answers 401 with WWW-Authenticate to every operation that declares a bearer token, when none is sent", async () => {
    const guarded = operations().filter(([, , operation]) => (operation.security ?? []).some((s) => "bearer" in s));
    for (const [path, method, operation] of guarded) {
      const parameters = operation.parameters ?? [];
      const values = new Map(parameters.filter((p) => p.required).map((p) => [p.name, validValue(p)]));
      await expectConforms(operation, url(path, values, parameters), 401, { method, body: exampleBody(operation), authorization: null });
    }
    expect(guarded.length).toBe(11);
  });

  it("answers 422 naming the field when ingest's rules refuse a write, and 304 to If-None-Match", async () => {
    const createPerson = document.paths["/api/persons"]?.post as Operation;
    const getPerson = document.paths["/api/persons/{person_id}"]?.get as Operation;

    await expectConforms(createPerson, `${api.url}/api/persons`, 422, { method: "post", body: { ...exampleBody(createPerson), first_name: "x".repeat(201) } });
    const first = await fetch(`${api.url}/api/persons/5`, { headers: { authorization } });
    const again = await fetch(`${api.url}/api/persons/5`, { headers: { authorization, "if-none-match": first.headers.get("etag") ?? "" } });
    expect([again.status, again.headers.get("etag")]).toEqual([304, first.headers.get("etag")]);
    expect(getPerson.responses["304"]).toBeDefined();
  });

  it("answers GeoJSON as the spec says", async () => {
    const operation = document.paths["/v1/persons/{person_id}/locations"]?.get as Operation;
    const response = await fetch(`${api.url}/v1/persons/5/locations`, { headers: { accept: "application/geo+json", authorization } });
    const schema = operation.responses["200"]?.content?.["application/geo+json"]?.schema;

    expect(response.headers.get("content-type")).toBe("application/geo+json; charset=utf-8");
    expect(ajv.validate(schema as object, await response.json()), ajv.errorsText()).toBe(true);
  });
});
