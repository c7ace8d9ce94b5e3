import type {} from "@udaconnect/test-support/global-setup";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject } from "vitest";
import { createSigner, createVerifier, generateSigningKeyPair } from "@udaconnect/auth";
import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { startQueryApi, type RunningQueryApi } from "../src/server";
import { givenPersons } from "./given";
import { pageTest } from "./page-test";
import { queryApiOptions } from "./query-api-options";

/**
 * Swagger UI's "Try it out" as a person uses it under ./scripts/up (auth on): "Authorize" with
 * a token, then execute an operation of the original's API. It works only if the document
 * declares the operation's security and a server the page can reach.
 */

let t: TestDatabase;
let api: RunningQueryApi;
let token: string;

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"));
  await givenPersons(t.db, [{ id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" }]);
  const keys = await generateSigningKeyPair("swagger-ui");
  token = await (await createSigner(keys.privateKey))({ subject: "docs-analyst", role: "analyst" });
  api = await startQueryApi(queryApiOptions({ databaseUrl: t.url, port: 0, auth: createVerifier(keys.keySet) }));
});

afterAll(async () => {
  await api?.close();
  await t?.drop();
});

/** The status Swagger UI shows for the operation's last execution, once it shows one other than `previous`. */
async function shownStatus(page: Page, operationBlock: string, previous = ""): Promise<string> {
  const status = page.locator(`${operationBlock} .live-responses-table tbody .response-col_status`).first();
  await expect.poll(async () => ((await status.count()) === 0 ? previous : (await status.textContent())?.trim()), { timeout: 20_000 }).not.toBe(previous);
  return (await status.textContent())?.trim() ?? "";
}

describe("Swagger UI at /docs with auth on", () => {
  pageTest("gets 401 before 'Authorize' and 200 after it, on the original's GET /api/persons", async ({ page }) => {
    await page.goto(`${api.url}/docs/`);
    await page.locator("#operations-persons-listPersons").waitFor();

    const operation = page.locator("#operations-persons-listPersons");
    await operation.locator(".opblock-summary").first().click();
    await operation.locator("button.try-out__btn").click();
    await operation.locator("button.execute").click();
    expect(await shownStatus(page, "#operations-persons-listPersons")).toBe("401");

    await page.locator("button.authorize").first().click();
    await page.locator(".auth-container input").first().fill(token);
    await page.locator(".auth-btn-wrapper button.authorize").first().click();
    await page.locator(".auth-btn-wrapper button.btn-done").first().click();
    await operation.locator("button.execute").click();

    expect(await shownStatus(page, "#operations-persons-listPersons", "401")).toBe("200");
  });
});
