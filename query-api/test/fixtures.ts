import type { FastifyInstance } from "fastify";
import { testWithReadModels } from "@udaconnect/test-support/fixtures";
import { buildApp } from "../src/app";
import { createDatabase } from "../src/postgres/create-database";

/**
 * A test with `readModels` (a fresh database on the API's own client) and `app` (the API
 * on it, auth off, for app.inject), each closed after the test whether it passed or not.
 */
export const apiTest = testWithReadModels({ client: createDatabase }).extend<{ app: FastifyInstance }>({
  app: async ({ readModels }, use) => {
    const app = await buildApp({ readModels, auth: "disabled" });
    try {
      await use(app);
    } finally {
      await app.close();
    }
  },
});
