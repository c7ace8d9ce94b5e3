import type {} from "@udaconnect/test-support/global-setup";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSigner, createVerifier, generateSigningKeyPair, type SignToken } from "@udaconnect/auth";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { buildApp, type AppDependencies } from "../src/app";
import type { IngestOutcome, IngestWrites, LocationCheckIn, PersonRegistration } from "../src/ingest-client/ingest-writes";
import { createDatabase } from "../src/postgres/create-database";
import { givenLocation, givenPersons } from "./given";
import { appDependencies } from "./query-api-options";

/**
 * The original's routes on one base URL, against a fake of query-api's own port to ingest
 * (IngestWrites): what query-api sends ingest, and how it answers each outcome. The whole path
 * through the real ingest, Kafka and projector is e2e/test/legacy-api.e2e.test.ts.
 */

const TACO = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" };
const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };
const SERVICE_TOKEN = "query-api-own-token";

interface Call {
  readonly rpc: "registerPerson" | "recordLocation";
  readonly request: PersonRegistration | LocationCheckIn;
  readonly token: string | undefined;
}

/** Records every call and answers the outcome the test sets. */
function fakeIngest() {
  const calls: Call[] = [];
  let next: IngestOutcome<never> | undefined;
  const settle = <R>(reply: R): IngestOutcome<R> => next ?? { outcome: "appended", reply };
  const writes: IngestWrites = {
    registerPerson: async (request, token) => {
      calls.push({ rpc: "registerPerson", request, token });
      return settle({ personId: request.personId === "" ? "0193-new" : request.personId, eventId: "e-person", consistencyToken: "tok-p" });
    },
    recordLocation: async (request, token) => {
      calls.push({ rpc: "recordLocation", request, token });
      return settle({ eventId: "01938a4e-7b2c-7e3f-8a4b-6c7d8e9fa012", consistencyToken: "tok-l" });
    },
  };
  return { writes, calls, answer: (outcome: IngestOutcome<never> | undefined) => (next = outcome) };
}

let t: TestDatabase;
let sign: SignToken;
let verify: AppDependencies["auth"];
let tacoCheckIn: string;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
  await givenPersons(t.db, [TACO, PAM]);
  tacoCheckIn = await givenLocation(t.db, { personId: "5", latitude: 35.0585136, longitude: -106.5719566, at: "2020-07-07T10:37:06.000Z" });
  const keys = await generateSigningKeyPair("k1");
  sign = await createSigner(keys.privateKey);
  verify = createVerifier(keys.keySet);
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await t.drop();
});

async function app(deps: Partial<AppDependencies> = {}): Promise<FastifyInstance> {
  const built = await buildApp(appDependencies({ readModels: t, auth: verify, ...deps }));
  apps.push(built);
  return built;
}

const bearer = async (role: "attendee" | "analyst" | "operator", subject = `staff-${role}`) => ({
  authorization: `Bearer ${await sign({ subject, role })}`,
});

const post = (api: FastifyInstance, url: string, payload: unknown, headers: Record<string, string> = {}) =>
  api.inject({ method: "POST", url, payload: payload as object, headers });

const ADA = { first_name: "Ada", last_name: "Lovelace", company_name: "Analytical Engines" };
/** The 400 for a creation_time outside the body schema's pattern (legacy-write-bodies.ts). */
const CREATION_TIME_REFUSED = String.raw`body property creation_time must match pattern "^((?!0000)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))[Tt ]((?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)(\.\d{1,9})?([Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$"`;
const CHECK_IN = { person_id: 5, latitude: "35.0585136", longitude: "-106.5719566", creation_time: "2020-07-07 10:37:06.000000" };

describe("POST /api/persons and /api/locations (bearer tokens, the default)", () => {
  it("hands ingest the registration with the caller's token and answers 202 with Location, event id and consistency token", async () => {
    const ingest = fakeIngest();
    const api = await app({ ingest: { writes: ingest.writes } });
    const headers = await bearer("operator");

    const response = await post(api, "/api/persons", { ...ADA, id: 42 }, headers);

    expect(response.statusCode).toBe(202);
    expect(response.headers.location).toBe("/api/persons/42");
    expect(response.json()).toEqual({ id: "42", event_id: "e-person", consistency_token: "tok-p" });
    expect(ingest.calls).toEqual([
      {
        rpc: "registerPerson",
        request: { personId: "42", firstName: "Ada", lastName: "Lovelace", companyName: "Analytical Engines" },
        token: headers.authorization.slice("Bearer ".length),
      },
    ]);
  });

  it("reads the original's location body (integer person id, decimal strings, a zone-less time as UTC)", async () => {
    const ingest = fakeIngest();
    const api = await app({ ingest: { writes: ingest.writes } });

    const response = await post(api, "/api/locations", CHECK_IN, await bearer("operator"));
    const asNumbers = await post(
      api,
      "/api/locations",
      { ...CHECK_IN, latitude: 35.5, longitude: -106, creation_time: "2020-07-07T12:37:06+02:00", id: "0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29" },
      await bearer("operator"),
    );

    expect(response.statusCode).toBe(202);
    expect(response.headers.location).toBe("/api/locations/01938a4e-7b2c-7e3f-8a4b-6c7d8e9fa012");
    expect(response.json()).toEqual({
      id: "01938a4e-7b2c-7e3f-8a4b-6c7d8e9fa012",
      event_id: "01938a4e-7b2c-7e3f-8a4b-6c7d8e9fa012",
      consistency_token: "tok-l",
    });
    expect(asNumbers.statusCode).toBe(202);
    expect(ingest.calls.map((c) => c.request)).toEqual([
      { eventId: "", personId: "5", latitude: 35.0585136, longitude: -106.5719566, occurredAt: new Date("2020-07-07T10:37:06.000Z") },
      { eventId: "0c6f0e0e-3a53-5d4e-a2b7-6f7c1c7c0a29", personId: "5", latitude: 35.5, longitude: -106, occurredAt: new Date("2020-07-07T10:37:06.000Z") },
    ]);
  });

  it.each([
    ["a missing field", "/api/persons", { first_name: "Ada", last_name: "Lovelace" }, "body property company_name is required"],
    ["a name that is not a string", "/api/persons", { ...ADA, first_name: { text: "Ada" } }, "body property first_name must be string"],
    // Read as sent: Fastify's coercion would have made these "false" and 0, and written them.
    ["a company name that is false", "/api/persons", { ...ADA, company_name: false }, "body property company_name must be string"],
    ["a longitude that is null", "/api/locations", { ...CHECK_IN, longitude: null }, "body property longitude must be number,string"],
    // The schema's patterns (legacy-write-bodies.ts) refuse these before the translation runs.
    [
      "a latitude that is not a number",
      "/api/locations",
      { ...CHECK_IN, latitude: "north" },
      String.raw`body property latitude must match pattern "^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"`,
    ],
    ["a creation_time in no form the API reads", "/api/locations", { ...CHECK_IN, creation_time: "" }, CREATION_TIME_REFUSED],
    ["a blank company name", "/api/persons", { ...ADA, company_name: " " }, 'body property company_name must match pattern "\\S"'],
    ["a latitude number out of range", "/api/locations", { ...CHECK_IN, latitude: 91 }, "body property latitude must be <= 90"],
    ["a person id ingest would refuse", "/api/persons", { ...ADA, id: "ada lovelace" }, 'body property id must match pattern "^[A-Za-z0-9_-]{1,64}$"'],
    // Year 0000, month 00, offset +41:65: each outside the pattern.
    ["a creation_time on no calendar", "/api/locations", { ...CHECK_IN, creation_time: "0000-00-00T00:00:00+41:65" }, CREATION_TIME_REFUSED],
    [
      "a day that does not exist",
      "/api/locations",
      { ...CHECK_IN, creation_time: "2020-02-30T10:00:00Z" },
      'creation_time: must be a date-time such as 2020-07-07T10:37:06Z, got "2020-02-30T10:00:00Z"',
    ],
  ])("answers 400 for %s without calling ingest", async (_case, url, body, detail) => {
    const ingest = fakeIngest();
    const api = await app({ ingest: { writes: ingest.writes } });

    const response = await post(api, url, body, await bearer("operator"));

    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toMatchObject({ type: "https://udaconnect.dev/problems/invalid-parameter", status: 400, detail });
    expect(ingest.calls).toEqual([]);
  });

  it("answers 400 for broken JSON and a body that is not an object, 415 for a media type it does not read", async () => {
    const api = await app({ ingest: fakeIngest() });
    const headers = await bearer("operator");

    const broken = await api.inject({ method: "POST", url: "/api/persons", payload: "{", headers: { ...headers, "content-type": "application/json" } });
    const text = await api.inject({ method: "POST", url: "/api/persons", payload: "Ada", headers: { ...headers, "content-type": "text/plain" } });
    const xml = await api.inject({ method: "POST", url: "/api/persons", payload: "<person/>", headers: { ...headers, "content-type": "application/xml" } });

    expect([broken.statusCode, broken.json().type]).toEqual([400, "about:blank"]);
    expect([text.statusCode, text.json().detail]).toEqual([400, "the body must be object"]);
    expect([xml.statusCode, xml.json().type]).toEqual([415, "about:blank"]);
  });

  it("answers ingest's field violations as 422 naming the original's fields", async () => {
    const ingest = fakeIngest();
    const api = await app({ ingest: { writes: ingest.writes } });
    ingest.answer({
      outcome: "invalid",
      violations: [
        { field: "check_in.latitude", description: "must be between -90 and 90, got 91" },
        { field: "check_in.occurred_at", description: "must not be more than 5 minutes ahead of the server clock" },
      ],
      detail: "…",
    });

    // A string: the schema's range binds numbers only, so ingest judges it.
    const response = await post(api, "/api/locations", { ...CHECK_IN, latitude: "91" }, await bearer("operator"));

    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      type: "https://udaconnect.dev/problems/invalid-field",
      title: "Invalid field",
      status: 422,
      detail: "latitude: must be between -90 and 90, got 91; creation_time: must not be more than 5 minutes ahead of the server clock",
      errors: [
        { field: "latitude", description: "must be between -90 and 90, got 91" },
        { field: "creation_time", description: "must not be more than 5 minutes ahead of the server clock" },
      ],
      instance: "/api/locations",
    });
  });

  it("answers 401 with WWW-Authenticate without a token, before ingest is asked", async () => {
    const ingest = fakeIngest();
    const api = await app({ ingest: { writes: ingest.writes } });

    const response = await post(api, "/api/persons", ADA);

    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="udaconnect"');
    expect(ingest.calls).toEqual([]);
  });

  it("answers ingest's PERMISSION_DENIED as 403 and UNAUTHENTICATED as 401", async () => {
    const ingest = fakeIngest();
    const api = await app({ ingest: { writes: ingest.writes } });
    const analyst = await bearer("analyst");

    ingest.answer({ outcome: "forbidden", detail: "this call needs an operator token, or an attendee token for its own person" });
    const forbidden = await post(api, "/api/persons", ADA, analyst);
    ingest.answer({ outcome: "unauthenticated", detail: "token is not signed by a known key" });
    const unauthenticated = await post(api, "/api/persons", ADA, analyst);

    expect([forbidden.statusCode, forbidden.json().detail]).toEqual([403, "this call needs an operator token, or an attendee token for its own person"]);
    expect([unauthenticated.statusCode, unauthenticated.headers["www-authenticate"]]).toEqual([401, 'Bearer realm="udaconnect"']);
  });

  it("answers 503 with Retry-After when ingest cannot take the write", async () => {
    const ingest = fakeIngest();
    const api = await app({ ingest: { writes: ingest.writes } });
    ingest.answer({ outcome: "unavailable", detail: "the ingest gateway did not take the write (Unavailable: connect ECONNREFUSED)" });

    const response = await post(api, "/api/locations", CHECK_IN, await bearer("operator"));

    expect(response.statusCode).toBe(503);
    expect(response.headers["retry-after"]).toBe("5");
    expect(response.json().detail).not.toContain("ECONNREFUSED");
  });

  it("answers 501 writes-not-configured without an ingest gateway", async () => {
    const api = await app();

    const response = await post(api, "/api/persons", ADA, await bearer("operator"));

    expect(response.statusCode).toBe(501);
    expect(response.json()).toMatchObject({ type: "https://udaconnect.dev/problems/writes-not-configured", status: 501 });
  });
});

describe("LEGACY_API_AUTH=open", () => {
  it("writes for a caller without a token with query-api's own token, and for one with a token with theirs", async () => {
    const ingest = fakeIngest();
    const api = await app({ legacyApiAuth: "open", ingest: { writes: ingest.writes, serviceToken: async () => SERVICE_TOKEN } });
    const attendee = await bearer("attendee", "ada");

    expect((await post(api, "/api/persons", ADA)).statusCode).toBe(202);
    expect((await post(api, "/api/persons", ADA, attendee)).statusCode).toBe(202);
    expect((await post(api, "/api/persons", ADA, { authorization: "Bearer not.a.jwt" })).statusCode).toBe(401);

    expect(ingest.calls.map((c) => c.token)).toEqual([SERVICE_TOKEN, attendee.authorization.slice("Bearer ".length)]);
  });

  it("answers 503 (not 401) when ingest refuses query-api's own token: the server's fault, not the caller's", async () => {
    const ingest = fakeIngest();
    const api = await app({ legacyApiAuth: "open", ingest: { writes: ingest.writes, serviceToken: async () => SERVICE_TOKEN } });
    ingest.answer({ outcome: "unauthenticated", detail: "token has expired" });

    const response = await post(api, "/api/persons", ADA);

    expect(response.statusCode).toBe(503);
    expect(response.headers["www-authenticate"]).toBeUndefined();
  });

  it("serves the original's reads without a token, and still refuses a bad token", async () => {
    const api = await app({ legacyApiAuth: "open" });

    expect((await api.inject("/api/persons")).json()).toEqual([TACO, PAM]);
    expect((await api.inject(`/api/locations/${tacoCheckIn}`)).statusCode).toBe(200);
    expect((await api.inject({ url: "/api/persons", headers: { authorization: "Bearer not.a.jwt" } })).statusCode).toBe(401);
    expect((await api.inject("/v1/persons")).statusCode).toBe(401);
  });
});

describe("GET /api/locations/{id}", () => {
  it("answers the original's location shape", async () => {
    const api = await app();

    const response = await api.inject({ url: `/api/locations/${tacoCheckIn}`, headers: await bearer("analyst") });

    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(response.json()).toEqual({
      id: tacoCheckIn,
      person_id: "5",
      latitude: 35.0585136,
      longitude: -106.5719566,
      creation_time: "2020-07-07T10:37:06.000Z",
    });
  });

  it("lets an attendee read its own check-in only, and answers 404 for an unknown one and 401 without a token", async () => {
    const api = await app();

    const own = await api.inject({ url: `/api/locations/${tacoCheckIn}`, headers: await bearer("attendee", "5") });
    const other = await api.inject({ url: `/api/locations/${tacoCheckIn}`, headers: await bearer("attendee", "1") });
    const unknown = await api.inject({ url: "/api/locations/00000000-0000-4000-8000-000000000000", headers: await bearer("analyst") });
    const anonymous = await api.inject(`/api/locations/${tacoCheckIn}`);
    const notUuid = await api.inject({ url: "/api/locations/29", headers: await bearer("analyst") });

    expect([own.statusCode, other.statusCode, unknown.statusCode, anonymous.statusCode, notUuid.statusCode]).toEqual([200, 403, 404, 401, 400]);
    expect(other.json().detail).toBe("an attendee token may read only its own person's check-ins");
  });
});

describe("GET /health", () => {
  it("answers as /readyz does, without a token", async () => {
    const api = await app();

    const [health, ready] = [await api.inject("/health"), await api.inject("/readyz")];

    expect([health.statusCode, health.json()]).toEqual([200, { status: "ok" }]);
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: "ok" }]);
  });
});

describe("CORS for the original frontend", () => {
  it("answers a POST preflight from the configured origin, allowing Content-Type and Authorization", async () => {
    const api = await app({ corsOrigins: ["http://frontend.test"], ingest: fakeIngest() });

    const preflight = await api.inject({
      method: "OPTIONS",
      url: "/api/persons",
      headers: { origin: "http://frontend.test", "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" },
    });
    const stranger = await api.inject({
      method: "OPTIONS",
      url: "/api/persons",
      headers: { origin: "http://elsewhere.test", "access-control-request-method": "POST" },
    });
    const write = await post(api, "/api/persons", ADA, { ...(await bearer("operator")), origin: "http://frontend.test" });

    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("http://frontend.test");
    expect(preflight.headers["access-control-allow-methods"]).toBe("GET, POST, OPTIONS");
    expect(preflight.headers["access-control-allow-headers"]).toBe("Authorization, Content-Type, If-None-Match");
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();
    expect(write.headers["access-control-allow-origin"]).toBe("http://frontend.test");
    expect(write.headers["access-control-expose-headers"]).toContain("Location");
  });
});
