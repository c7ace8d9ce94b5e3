import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { test } from "vitest";
import { loadTestEnvironment } from "@udaconnect/test-support";

/** Debian's chromium (apt-get install chromium) unless CHROMIUM_PATH names another. */
const { chromiumPath } = loadTestEnvironment();
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * A test with `page`: a new page of headless Chromium, closed after the test whether it passed
 * or not. The browser (its own profile directory) starts once per file, when a test first
 * names `page`, and closes with the file.
 */
export const pageTest = test.extend<{ browser: BrowserContext; page: Page }>({
  browser: [
    // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
    async ({}, use) => {
      const userDataDir = await mkdtemp(join(tmpdir(), "udaconnect-chromium-"));
      try {
        const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: ARGS });
        try {
          await use(browser);
        } finally {
          await browser.close();
        }
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
    { scope: "file" },
  ],
  page: async ({ browser }, use) => {
    const page = await browser.newPage();
    try {
      await use(page);
    } finally {
      await page.close();
    }
  },
});
