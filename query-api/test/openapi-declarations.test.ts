import { describe, expect, it } from "vitest";
import { buildApp, type AppDependencies } from "../src/app";
import { createDatabase } from "../src/postgres/create-database";
import { appDependencies } from "./query-api-options";

/**
 * Walks the served OpenAPI document and fails on any operation that does not say the truth
 * about itself: its security, the headers that come with its answers, an example of every
 * success. Generating the document opens no database connection, so this needs no infrastructure.
 */

interface Header {
  schema?: unknown;
}
interface Response {
  headers?: Record<string, Header>;
  content?: Record<string, { example?: unknown; examples?: unknown }>;
}
interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, Response>;
}
interface Document {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
}

const VERIFY: AppDependencies["auth"] = async () => ({ subject: "unused", role: "analyst" });

async function documentOf(deps: Partial<AppDependencies> = {}): Promise<Document> {
  const db = createDatabase("postgres://nobody@127.0.0.1:1/none");
  const app = await buildApp(appDependencies({ readModels: db, auth: VERIFY, ...deps }));
  try {
    await app.ready();
    return app.swagger() as unknown as Document;
  } finally {
    await app.close();
    await db.destroy();
  }
}

function operations(document: Document): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );
}

/** Every place the document fails to declare what the server does, as readable lines. */
function undeclared(document: Document): string[] {
  const gaps: string[] = [];
  for (const [name, operation] of operations(document)) {
    const { responses } = operation;
    if (!Array.isArray(operation.security)) gaps.push(`${name}: no security`);
    const needsToken = (operation.security ?? []).some((requirement) => "bearer" in requirement);
    if (needsToken && responses["401"]?.headers?.["WWW-Authenticate"] === undefined) gaps.push(`${name}: 401 without WWW-Authenticate`);
    if (!needsToken && responses["401"] !== undefined) gaps.push(`${name}: 401 on a route that takes no token`);
    for (const [status, response] of Object.entries(responses)) {
      if (/^2/.test(status)) {
        for (const [mediaType, media] of Object.entries(response.content ?? { none: {} })) {
          if (media.example === undefined && media.examples === undefined) gaps.push(`${name}: ${status} ${mediaType} without an example`);
        }
      }
      if ((status === "429" || status === "503") && response.headers?.["Retry-After"] === undefined) gaps.push(`${name}: ${status} without Retry-After`);
      if (status === "405" && response.headers?.Allow === undefined) gaps.push(`${name}: 405 without Allow`);
    }
    if (responses["405"] === undefined) gaps.push(`${name}: no 405`);
    if (name.startsWith("GET ")) {
      if (responses["200"]?.headers?.ETag === undefined) gaps.push(`${name}: 200 without ETag`);
      if (responses["304"] === undefined) gaps.push(`${name}: no 304`);
      if (!(operation.parameters ?? []).some((p) => p.in === "header" && p.name === "if-none-match")) gaps.push(`${name}: no If-None-Match`);
    }
    if (responses["202"] !== undefined && responses["202"].headers?.Location === undefined) gaps.push(`${name}: 202 without Location`);
  }
  return gaps;
}

const LEGACY = ["createLocation", "createPerson", "findConnections", "getLocation", "getPerson", "listPersons"];
const OPEN = ["health", "healthz", "metrics", "readyz"];

function securityById(document: Document): Record<string, unknown> {
  return Object.fromEntries(operations(document).map(([, operation]) => [operation.operationId, operation.security]));
}

describe("the OpenAPI document", () => {
  it("declares security, headers and an example of every success on every operation", async () => {
    const document = await documentOf();

    expect(undeclared(document)).toEqual([]);
    expect(document.servers).toEqual([{ url: "/", description: "The server that serves this document" }]);
  });

  it("says which operations need a bearer token, and none for the probes", async () => {
    const security = securityById(await documentOf());

    for (const [operationId, declared] of Object.entries(security)) {
      expect([operationId, declared]).toEqual([operationId, OPEN.includes(operationId) ? [] : [{ bearer: [] }]]);
    }
    expect(Object.keys(security).length).toBe(15);
  });

  it("declares the original's routes open (no token, or a bearer token) with LEGACY_API_AUTH=open", async () => {
    const security = securityById(await documentOf({ legacyApiAuth: "open" }));

    expect(LEGACY.map((id) => [id, security[id]])).toEqual(LEGACY.map((id) => [id, [{}, { bearer: [] }]]));
    expect(security.v1ListPersons).toEqual([{ bearer: [] }]);
  });

  it("declares no security anywhere when authentication is disabled", async () => {
    const security = securityById(await documentOf({ auth: "disabled" }));

    expect(new Set(Object.values(security).map((s) => JSON.stringify(s)))).toEqual(new Set(["[]"]));
  });

  it("fails the walk for an operation without security or an example (the check itself can fail)", () => {
    const document: Document = {
      paths: {
        "/x": { post: { operationId: "x", responses: { "202": { headers: {}, content: { "application/json": {} } }, "405": { headers: { Allow: {} } } } } },
      },
    };

    expect(undeclared(document)).toEqual(["POST /x: no security", "POST /x: 202 application/json without an example", "POST /x: 202 without Location"]);
  });
});
