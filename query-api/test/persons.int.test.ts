import type {} from "@udaconnect/test-support/global-setup";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { createDatabase } from "../src/postgres/create-database";
import { buildApp } from "../src/app";
import { givenPersons } from "./given";

const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };
const TACO = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" };
const ADA = { id: "ada-lovelace_1815", first_name: "Ada", last_name: "Lovelace", company_name: "<Analytical & Co>" };

let t: TestDatabase;

beforeEach(async () => {
  t = await createTestDatabase(inject("databaseUrl"), { client: createDatabase });
});

afterEach(async () => {
  await t.drop();
});

describe("GET /api/persons", () => {
  it("lists every registered person by last name, first name and id, ids as strings", async () => {
    await givenPersons(t.db, [PAM, TACO, ADA]);
    const app = await buildApp({ readModels: t, auth: "disabled" });

    const response = await app.inject({ url: "/api/persons" });

    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.json()).toEqual([TACO, ADA, PAM]);
    await app.close();
  });

  it("answers an empty list before anyone registered", async () => {
    const app = await buildApp({ readModels: t, auth: "disabled" });

    const response = await app.inject({ url: "/api/persons" });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
    await app.close();
  });
});

describe("GET /api/persons/{person_id}", () => {
  it("answers the registered person", async () => {
    await givenPersons(t.db, [PAM, ADA]);
    const app = await buildApp({ readModels: t, auth: "disabled" });

    const response = await app.inject({ url: "/api/persons/ada-lovelace_1815" });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(ADA);
    await app.close();
  });

  it("answers 404 problem+json for an id nobody registered", async () => {
    await givenPersons(t.db, [PAM]);
    const app = await buildApp({ readModels: t, auth: "disabled" });

    const response = await app.inject({ url: "/api/persons/10" });

    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(response.json()).toEqual({
      type: "https://udaconnect.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: 'No person with id "10"',
      instance: "/api/persons/10",
    });
    await app.close();
  });
});
