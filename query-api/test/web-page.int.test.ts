import type {} from "@udaconnect/test-support/global-setup";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject } from "vitest";
import { createSigner, createVerifier, generateSigningKeyPair, type SignToken } from "@udaconnect/auth";
import { createTestDatabase, type TestDatabase, loadTestEnvironment } from "@udaconnect/test-support";
import { startQueryApi, type RunningQueryApi } from "../src/server";
import { givenLocation, givenPersons } from "./given";
import { pageTest } from "./page-test";
import { queryApiOptions } from "./query-api-options";

/** SCREENSHOT_DIR keeps a picture of the page. */
const { screenshotDir } = loadTestEnvironment();

const PAM = { id: "1", first_name: "Pam", last_name: "Trexler", company_name: "Hampton, Hampton and McQuill" };
const TACO = { id: "5", first_name: "Taco", last_name: "Fargo", company_name: "Alpha Omega Upholstery" };
const FRANK = { id: "6", first_name: "Frank", last_name: "Shader", company_name: "USDA" };
const OTTO = { id: "9", first_name: "Otto", last_name: "Spring", company_name: "<b>Chicken</b> Sisters" };

let t: TestDatabase;
let api: RunningQueryApi;
let sign: SignToken;

beforeAll(async () => {
  t = await createTestDatabase(inject("databaseUrl"));
  await givenPersons(t.db, [PAM, TACO, FRANK, OTTO]);
  const at = (personId: string, latitude: number, longitude: number, time: string) => givenLocation(t.db, { personId, latitude, longitude, at: time });
  await at("5", 35.0585136, -106.5719566, "2020-03-10T10:00:00.000Z");
  await at("1", 35.0585136, -106.5719237, "2020-03-10T10:03:00.000Z");
  await at("9", 35.0585542, -106.5719566, "2020-03-10T10:05:00.000Z");
  await at("6", 35.0585136, -106.5719566, "2020-03-10T12:00:00.000Z"); // same spot, two hours later: not met
  const keys = await generateSigningKeyPair("web");
  sign = await createSigner(keys.privateKey);
  api = await startQueryApi(queryApiOptions({ databaseUrl: t.url, port: 0, auth: createVerifier(keys.keySet) }));
});

afterAll(async () => {
  await api?.close();
  await t?.drop();
});

async function findConnections(page: Page, personLabel: string): Promise<string[]> {
  await page.locator("#person option", { hasText: personLabel }).waitFor({ state: "attached" });
  await page.selectOption("#person", { label: personLabel });
  await page.fill("#from", "2020-03-10T00:00");
  await page.fill("#to", "2020-03-11T00:00");
  await page.click("button[type=submit]");
  await page.locator("#results:not([hidden])").waitFor();
  return page.locator("#rows tr td:first-child").allTextContents();
}

describe("the web page in headless Chromium", () => {
  pageTest("lists people with the token from ?token=, searches by name and shows whom the chosen person met", async ({ page }) => {
    const token = await sign({ subject: "web-analyst", role: "analyst" });
    await page.goto(`${api.url}/?token=${token}`);

    const met = await findConnections(page, "Taco Fargo (Alpha Omega Upholstery)");

    expect(met).toEqual(["Pam Trexler", "Otto Spring"]);
    expect(await page.locator("#rows tr:nth-child(2) td:nth-child(2)").textContent()).toBe("<b>Chicken</b> Sisters");
    expect(await page.locator("#plot circle").count()).toBe(2);
    expect(await page.textContent("#summary")).toBe("Met 2 person(s) in 2 encounter(s)");
    await page.fill("#name", "spri");
    await page.dispatchEvent("#name", "change");
    await page.locator("#person option", { hasText: "Pam" }).waitFor({ state: "detached" });
    expect(await page.locator("#person option").allTextContents()).toEqual(["Otto Spring (<b>Chicken</b> Sisters)"]);
    if (screenshotDir !== undefined) {
      await findConnections(page, "Otto Spring (<b>Chicken</b> Sisters)");
      await page.screenshot({ path: join(screenshotDir, "query-api-web-page.png"), fullPage: true });
    }
  });

  pageTest("says why when no token is given", async ({ page }) => {
    await page.goto(api.url);

    await page.locator("#status", { hasText: "Could not load" }).waitFor();

    expect(await page.textContent("#status")).toBe("Could not load the people: an Authorization: Bearer <token> header is required");
  });
});
