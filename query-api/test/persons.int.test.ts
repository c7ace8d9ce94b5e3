import { describe, expect } from "vitest";
import { apiTest } from "./fixtures";
import { givenPersons } from "./given";

const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };
const TACO = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" };
const ADA = { id: "ada-lovelace_1815", first_name: "Ada", last_name: "Lovelace", company_name: "<Analytical & Co>" };

describe("GET /api/persons", () => {
  apiTest("lists every registered person by last name, first name and id, ids as strings", async ({ readModels: t, app }) => {
    await givenPersons(t.db, [PAM, TACO, ADA]);

    const response = await app.inject({ url: "/api/persons" });

    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.json()).toEqual([TACO, ADA, PAM]);
  });

  apiTest("answers an empty list before anyone registered", async ({ app }) => {
    const response = await app.inject({ url: "/api/persons" });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
  });
});

describe("GET /api/persons/{person_id}", () => {
  apiTest("answers the registered person", async ({ readModels: t, app }) => {
    await givenPersons(t.db, [PAM, ADA]);

    const response = await app.inject({ url: "/api/persons/ada-lovelace_1815" });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(ADA);
  });

  apiTest("answers 404 problem+json for an id nobody registered", async ({ readModels: t, app }) => {
    await givenPersons(t.db, [PAM]);

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
  });
});
