import { readFileSync } from "node:fs";
import { buildApp, createDatabase } from "@udaconnect/query-api";
import { IngestService } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { collectionRequests, ingestRpc, operationKey, queryApiOperation, type Collection } from "./postman-collection";
import { appDependencies } from "@udaconnect/query-api/test-options";

const collection = JSON.parse(readFileSync(new URL("../../postman/udaconnect.postman_collection.json", import.meta.url), "utf8")) as Collection;
const environment = JSON.parse(readFileSync(new URL("../../postman/local.postman_environment.json", import.meta.url), "utf8")) as {
  values: { key: string; value: string }[];
};
const requests = collectionRequests(collection);
const covered = new Set(requests.map((r) => operationKey(r.method, r.url.raw)));

/** The query API's OpenAPI document as it serves it, built without a database (nothing is queried). */
async function openApiOperations(): Promise<string[]> {
  const db = createDatabase("postgres://nobody@127.0.0.1:1/none");
  const app = await buildApp(appDependencies({ readModels: db, auth: "disabled" }));
  try {
    await app.ready();
    const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    return Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ["get", "put", "post", "delete", "patch", "head", "options"].includes(method))
        .map((method) => queryApiOperation(method, path)),
    );
  } finally {
    await app.close();
    await db.destroy();
  }
}

describe("the Postman collection", () => {
  it("is a v2.1 collection whose every request has a test script", () => {
    expect(collection.info.schema).toBe("https://schema.getpostman.com/json/collection/v2.1.0/collection.json");
    expect(requests.filter((r) => !r.tests.some((line) => line.includes("pm.test(")))).toEqual([]);
  });

  it("sends every request to a base URL of the environment, never to a fixed host", () => {
    expect(requests.filter((r) => !/^\{\{(query_api_url|ingest_url)\}\}\//.test(r.url.raw)).map((r) => r.name)).toEqual([]);
  });

  it("has a request for every operation of the query API's OpenAPI document", async () => {
    const operations = await openApiOperations();
    expect(operations.length).toBeGreaterThanOrEqual(9);
    expect(operations.filter((key) => !covered.has(key))).toEqual([]);
  });

  it("calls every unary RPC of IngestService over Connect", () => {
    const unary = IngestService.methods.filter((m) => m.methodKind === "unary").map((m) => ingestRpc(IngestService.typeName, m.name));
    expect(unary).toEqual(
      expect.arrayContaining([ingestRpc("udaconnect.v1.IngestService", "RegisterPerson"), ingestRpc("udaconnect.v1.IngestService", "ErasePerson")]),
    );
    expect(unary.filter((key) => !covered.has(key))).toEqual([]);
  });

  it("keeps no secret in the environment file", () => {
    const tokens = environment.values.filter((v) => v.key.endsWith("_token"));
    expect(tokens.map((v) => v.key).sort()).toEqual(["analyst_token", "attendee_token", "operator_token"]);
    expect(tokens.filter((v) => v.value !== "")).toEqual([]);
  });
});
