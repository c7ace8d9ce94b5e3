import type {} from "@udaconnect/test-support/global-setup";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSigner, createVerifier, generateSigningKeyPair, type SignToken } from "@udaconnect/auth";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { createDatabase } from "../src/postgres/create-database";
import { buildApp } from "../src/app";
import { givenPersons } from "./given";
import { appDependencies } from "./query-api-options";

const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };
const TACO = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" };
const DAY = "from=2020-03-10T00:00:00Z&to=2020-03-11T00:00:00Z";

let t: TestDatabase;
let app: FastifyInstance;
let sign: SignToken;
let stranger: SignToken;

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
  await givenPersons(t.db, [PAM, TACO]);
  const keys = await generateSigningKeyPair("k1");
  sign = await createSigner(keys.privateKey);
  stranger = await createSigner((await generateSigningKeyPair("k1")).privateKey);
  app = await buildApp(appDependencies({ readModels: t, auth: createVerifier(keys.keySet), rateLimitPerMinute: 3, corsOrigins: ["http://frontend.test"] }));
});

afterAll(async () => {
  await app.close();
  await t.drop();
});

const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
  app.inject({ url, headers: token === undefined ? headers : { ...headers, authorization: `Bearer ${token}` } });

describe("bearer tokens", () => {
  it("lets an attendee read their own connections and refuses another person's with 403 problem+json", async () => {
    const pam = await sign({ subject: "1", role: "attendee" });

    const own = await get(`/v1/persons/1/connections?${DAY}`, pam);
    const other = await get(`/v1/persons/5/connections?${DAY}`, pam);
    const otherLocations = await get("/v1/persons/5/locations", pam);

    expect(own.statusCode).toBe(200);
    expect(other.statusCode).toBe(403);
    expect(other.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(other.json()).toEqual({
      type: "https://udaconnect.dev/problems/forbidden",
      title: "Forbidden",
      status: 403,
      detail: 'an attendee token may read only its own person\'s data, not person "5"',
      instance: `/v1/persons/5/connections?${DAY}`,
    });
    expect(otherLocations.statusCode).toBe(403);
  });

  it.each(["analyst", "operator"] as const)("lets an %s read anyone's connections", async (role) => {
    const token = await sign({ subject: `staff-${role}`, role });

    expect((await get(`/v1/persons/5/connections?${DAY}`, token)).statusCode).toBe(200);
    expect((await get("/v1/persons", token)).json().persons).toEqual([TACO, PAM]);
  });

  it.each([
    ["no header", undefined, "an Authorization: Bearer <token> header is required"],
    ["a token of an unknown key", "stranger", "token is not signed by a known key"],
    ["an expired token", "expired", "token has expired"],
    ["garbage", "not.a.jwt", "token is not a valid JWT"],
  ])("answers 401 problem+json with WWW-Authenticate for %s", async (_case, which, detail) => {
    const token =
      which === "stranger"
        ? await stranger({ subject: "1", role: "analyst" })
        : which === "expired"
          ? await sign({ subject: "1", role: "analyst" }, { expiresInSeconds: -120 })
          : which;

    const response = await get("/v1/persons/1", token);

    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="udaconnect"');
    expect(response.json()).toMatchObject({ type: "https://udaconnect.dev/problems/unauthorized", status: 401, detail });
  });

  it("applies the same rules to the legacy /api routes once auth is on", async () => {
    const pam = await sign({ subject: "1", role: "attendee" });

    expect((await get("/api/persons")).statusCode).toBe(401);
    expect((await get("/api/persons", pam)).statusCode).toBe(200);
    expect((await get("/api/persons/5/connection?start_date=2020-01-01&end_date=2020-01-02", pam)).statusCode).toBe(403);
    expect((await get("/api/persons/1/connection?start_date=2020-01-01&end_date=2020-01-02", pam)).statusCode).toBe(200);
  });

  it("keeps probes, docs and the page open", async () => {
    expect((await get("/healthz")).statusCode).toBe(200);
    expect((await get("/")).statusCode).toBe(200);
    expect((await get("/openapi.json")).statusCode).toBe(200);
  });
});

describe("rate limit and CORS", () => {
  it("answers 429 problem+json with Retry-After once a token spent its requests, other tokens unaffected", async () => {
    const busy = await sign({ subject: "busy", role: "analyst" });
    const calm = await sign({ subject: "calm", role: "analyst" });

    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await get("/v1/persons", busy)).statusCode);
    }
    const limited = await get("/v1/persons", busy);

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(limited.headers["retry-after"]).toBe("20");
    expect(limited.json()).toMatchObject({ type: "https://udaconnect.dev/problems/rate-limited", status: 429 });
    expect((await get("/v1/persons", calm)).statusCode).toBe(200);
  });

  it("admits the configured origin only", async () => {
    const token = await sign({ subject: "cors", role: "analyst" });

    const allowed = await get("/v1/persons/1", token, { origin: "http://frontend.test" });
    const foreign = await get("/v1/persons/1", token, { origin: "http://evil.test" });
    const preflight = await app.inject({ method: "OPTIONS", url: "/v1/persons/1", headers: { origin: "http://frontend.test" } });

    expect(allowed.headers["access-control-allow-origin"]).toBe("http://frontend.test");
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-headers"]).toBe("Authorization, Content-Type, If-None-Match");
  });
});
